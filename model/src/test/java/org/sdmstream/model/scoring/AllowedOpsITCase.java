package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.testing.PlantedSessions;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TString;

/**
 * The op allow-list covers every model we export, and the scorer refuses a graph with any other op.
 */
class AllowedOpsITCase {

    @TempDir Path tmp;

    enum Tower {
        SDM,
        SDM_SHORT,
        YOUTUBE_DNN
    }

    @ParameterizedTest
    @EnumSource(Tower.class)
    void everyOpOfOurExportsIsAllowed(Tower tower) {
        SdmConfig.Builder config =
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
                        .epochs(1);
        switch (tower) {
            case SDM_SHORT -> config.longTerm(false);
            case YOUTUBE_DNN -> config.architecture(SdmConfig.Architecture.YOUTUBE_DNN);
            default -> {}
        }
        Path dir = tmp.resolve(tower.name());
        try (TrainedSdm model =
                new SdmTrainer(config.build())
                        .withProfiles(u -> Map.of("segment", u.hashCode() % 2 == 0 ? "a" : "b"))
                        .train(
                                PlantedSessions.sessions(12, 3, 5, 20, 0.9, 5),
                                ProgressListener.NONE)) {
            SavedModelExporter.export(model, dir, "v1", Map.of());
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), ModelSignature.TAG)) {
            assertThat(AllowedOps.disallowed(bundle.graph())).isEmpty();
        }
        SdmScorer.load(dir).close();
    }

    @Test
    void aModelThatReadsFilesIsRefusedNamingTheOp() throws Exception {
        Path bad = tmp.resolve("reads-files");
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TString> path =
                    tf.withName("session_item")
                            .placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            Signature sig =
                    Signature.builder(ModelSignature.KEY)
                            .input("session_item", path)
                            .output(ModelSignature.USER_VECTOR, tf.io.readFile(path))
                            .build();
            try (Session s = new Session(g)) {
                SavedModelBundle.exporter(bad.toString())
                        .withTags(ModelSignature.TAG)
                        .withFunction(SessionFunction.create(sig, s))
                        .export();
            }
        }
        Files.createDirectories(bad.resolve("vocab"));
        assertThatThrownBy(() -> SdmScorer.load(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[ReadFile]")
                .hasMessageContaining("runs with the TaskManager's rights");
    }
}
