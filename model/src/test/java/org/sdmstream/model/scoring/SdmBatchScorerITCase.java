package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.testing.PlantedSessions;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;

/** The full-tower BatchScorer: the same vectors as SdmScorer, the model version from the export. */
class SdmBatchScorerITCase {

    @TempDir static Path tmp;

    static TrainedSdm model;
    static Path exported;

    @BeforeAll
    static void trainAndExport() {
        SdmConfig config =
                SdmConfig.builder()
                        .itemEmbeddingDim(8)
                        .categoryEmbeddingDim(4)
                        .brandEmbeddingDim(2)
                        .shopEmbeddingDim(2)
                        .userEmbeddingDim(8)
                        .hiddenSize(8)
                        .heads(2)
                        .maxSessionLength(6)
                        .maxHistoryLength(4)
                        .batchSize(16)
                        .epochs(1)
                        .learningRate(0.01f)
                        .build();
        model =
                SdmTrainer.train(
                        PlantedSessions.sessions(8, 3, 5, 20, 0.9, 3),
                        config,
                        ProgressListener.NONE);
        exported = tmp.resolve("model");
        SavedModelExporter.export(model, exported, "v-42", Map.of());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<ModelInput> inputs() {
        return List.of(
                new ModelInput(
                        "u1",
                        "s",
                        List.of(PlantedSessions.behavior(1, 0L), PlantedSessions.behavior(2, 1L)),
                        List.of(PlantedSessions.behavior(3, -5L)),
                        Map.of(),
                        1L),
                new ModelInput(
                        "new-user",
                        "s",
                        List.of(PlantedSessions.behavior(7, 0L)),
                        List.of(),
                        Map.of(),
                        0L));
    }

    @Test
    void scoresLikeTheOfflineScorerWithTheExportedVersion() {
        try (BatchScorer scorer = SdmBatchScorer.load(exported, new ScorerOptions(1, 1, 1));
                SdmScorer offline = SdmScorer.load(exported)) {
            assertThat(scorer.modelVersion()).isEqualTo("v-42");
            assertThat(scorer.dimension()).isEqualTo(8);
            float[][] vectors = scorer.score(inputs());
            // Two sessions over the same model may run differently sized thread pools: equal up to
            // float round-off.
            float[][] expected = offline.userVectors(inputs());
            assertThat(vectors).hasNumberOfRows(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat(vectors[i])
                        .containsExactly(
                                expected[i], org.assertj.core.api.Assertions.within(1e-6f));
            }
            assertThat(scorer.score(List.of())).isEmpty();
        }
    }

    @Test
    void withoutMetadataTheVersionIsTheDirectoryName() throws IOException {
        Path copy = tmp.resolve("sdm-2026-11-29");
        try (var files = Files.walk(exported)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(exported.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("metadata.json")) {
                    Files.copy(p, target);
                }
            }
        }
        try (BatchScorer scorer = SdmBatchScorer.load(copy, ScorerOptions.DEFAULT)) {
            assertThat(scorer.modelVersion()).isEqualTo("sdm-2026-11-29");
        }
    }

    @Test
    void aMissingModelIsRefused() {
        assertThatThrownBy(() -> SdmBatchScorer.load(tmp.resolve("none"), ScorerOptions.DEFAULT))
                .hasMessageContaining("no saved_model.pb");
    }
}
