package org.sdmstream.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.generate.ClickGenerator;
import org.sdmstream.features.generate.GeneratorConfig;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.ModelMetadata;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.retrieval.IndexKind;
import org.sdmstream.model.retrieval.ItemIndex;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;

/**
 * A grown catalogue is still a model the scorer and the index accept, with the model's rows first.
 */
class LargeCatalogueTest {

    @TempDir static Path tmp;

    static Path model;

    @BeforeAll
    static void trainAndExport() {
        List<Session> sessions =
                new OfflineSessionizer(SessionRules.DEFAULT)
                        .sessionize(
                                new ClickGenerator(
                                        new GeneratorConfig(
                                                40,
                                                150,
                                                10,
                                                10,
                                                10,
                                                1.1,
                                                6.0,
                                                40_000L,
                                                0.3,
                                                0.3,
                                                0.1,
                                                GeneratorConfig.DEFAULT_START,
                                                1_500,
                                                7L)));
        SdmConfig config =
                SdmConfig.builder()
                        .itemEmbeddingDim(8)
                        .categoryEmbeddingDim(4)
                        .brandEmbeddingDim(2)
                        .shopEmbeddingDim(2)
                        .userEmbeddingDim(8)
                        .hiddenSize(8)
                        .heads(2)
                        .epochs(1)
                        .build();
        model = tmp.resolve("model");
        try (TrainedSdm trained = new SdmTrainer(config).train(sessions, ProgressListener.NONE)) {
            SavedModelExporter.export(trained, model, "v1", Map.of());
        }
    }

    @Test
    void growsTheTableAndKeepsTheModelLoadable() {
        ItemEmbeddingsFile.ItemEmbeddings own =
                ItemEmbeddingsFile.read(model.resolve(ItemEmbeddingsFile.FILE_NAME));
        Path grown = LargeCatalogue.grow(model, 5_000, tmp.resolve("grown"), 42);

        // The scorer checks every file's hash against metadata.json: the new table must be
        // recorded.
        try (SdmScorer scorer = SdmScorer.load(grown)) {
            assertThat(scorer.dimension()).isEqualTo(8);
        }
        ItemIndex index = ItemIndex.load(grown, IndexKind.EXACT);
        assertThat(index.size()).isEqualTo(5_000);
        assertThat(index.modelVersion()).isEqualTo("v1-catalogue-5000");

        ItemEmbeddingsFile.ItemEmbeddings table =
                ItemEmbeddingsFile.read(grown.resolve(ItemEmbeddingsFile.FILE_NAME));
        assertThat(new HashSet<>(table.ids())).hasSize(5_000);
        int n = own.ids().size();
        assertThat(table.ids().subList(0, n)).isEqualTo(own.ids());
        for (int i = 0; i < n; i++) {
            assertThat(table.vectors()[i]).containsExactly(own.vectors()[i]);
        }
        // Generated rows lie near the model's items: within the table's own spread of some item.
        double ownSpread = meanDistanceToNearest(own.vectors(), own.vectors(), true);
        float[][] generated = java.util.Arrays.copyOfRange(table.vectors(), n, n + 200);
        assertThat(meanDistanceToNearest(generated, own.vectors(), false)).isLessThan(ownSpread);
        assertThat(ModelMetadata.read(grown.resolve(ModelMetadata.FILE_NAME)).contentHash())
                .isNotEqualTo(
                        ModelMetadata.read(model.resolve(ModelMetadata.FILE_NAME)).contentHash());
    }

    @Test
    void refusesAnExistingDirectoryAndAShrink() {
        assertThatThrownBy(() -> LargeCatalogue.grow(model, 5_000, model, 42))
                .hasMessageContaining("exists");
        assertThatThrownBy(() -> LargeCatalogue.grow(model, 1, tmp.resolve("small"), 42))
                .hasMessageContaining("below the model's own");
    }

    /** Mean over {@code rows} of the Euclidean distance to the nearest row of {@code table}. */
    private static double meanDistanceToNearest(float[][] rows, float[][] table, boolean self) {
        double total = 0;
        for (float[] row : rows) {
            double best = Double.MAX_VALUE;
            for (float[] other : table) {
                if (self && other == row) {
                    continue;
                }
                double d = 0;
                for (int j = 0; j < row.length; j++) {
                    d += (row[j] - other[j]) * (row[j] - other[j]);
                }
                best = Math.min(best, d);
            }
            total += Math.sqrt(best);
        }
        return total / rows.length;
    }
}
