package org.sdmstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.Session;
import org.sdmstream.features.encoding.Vocabulary;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.graph.InputTensors;
import org.sdmstream.model.graph.VariableNames;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.model.testing.PlantedSessions;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

/**
 * {@code sharedItemTable}: one item table is both the tower's input embedding and the output table
 * the softmax trains and retrieval searches; it still learns, exports and serves.
 */
class SharedItemTableITCase {

    private static SdmConfig shared() {
        return SdmTrainerITCase.tiny().toBuilder().sharedItemTable(true).build();
    }

    @Test
    void oneTableIsInputAndOutputAndStillLearnsThePlantedPattern(@TempDir Path tmp) {
        List<Session> sessions = PlantedSessions.sessions(60, 4, 8, 40, 0.9, 1);
        try (TrainedSdm model = SdmTrainer.train(sessions, shared(), ProgressListener.NONE)) {
            // No second table in the graph: the output table is the input one.
            assertThat(model.tower().graph().operation(VariableNames.OUTPUT_ITEM_EMBEDDING))
                    .isNull();
            float[] inputTable;
            try (Result r = model.session().runner().fetch(VariableNames.ITEM_EMBEDDING).run()) {
                inputTable = InputTensors.toArray((TFloat32) r.get(0));
            }
            float[][] output = model.itemEmbeddings();
            int d = shared().hiddenSize();
            for (int i = 0; i < output.length; i++) {
                int row = Vocabulary.FIRST_VALUE + i; // padding and unknown rows come first
                assertThat(output[i])
                        .as("item %s", model.itemIds().get(i))
                        .containsExactly(Arrays.copyOfRange(inputTable, row * d, (row + 1) * d));
            }

            double recall = Recall.ofPlantedSuccessor(model, 40, 5);
            System.err.println("shared item table: recall@5 = " + recall);
            // Bit-reproducible training (OrderedAdam): the measured figure, chance is 5/40.
            assertThat(recall).isGreaterThanOrEqualTo(0.9);

            // Exported, the serving graph restores from the one table and retrieval reads it.
            Path dir = tmp.resolve("model");
            SavedModelExporter.export(model, dir, "shared-1", Map.of());
            ItemEmbeddingsFile.ItemEmbeddings file =
                    ItemEmbeddingsFile.read(dir.resolve(ItemEmbeddingsFile.FILE_NAME));
            assertThat(file.ids()).isEqualTo(model.itemIds());
            for (int i = 0; i < output.length; i++) {
                assertThat(file.vectors()[i]).containsExactly(output[i]);
            }
            List<ModelInput> probes = Recall.plantedProbes(40);
            try (SdmScorer scorer = SdmScorer.load(dir)) {
                float[][] served = scorer.userVectors(probes);
                float[][] trained = model.userVectors(probes);
                for (int i = 0; i < probes.size(); i++) {
                    assertThat(served[i]).containsExactly(trained[i], within(1e-5f));
                }
            }
        }
    }

    @Test
    void separateTablesKeepAnOutputTableOfTheirOwn() {
        SdmConfig separate =
                SdmTrainerITCase.tiny().toBuilder().sharedItemTable(false).epochs(1).build();
        try (TrainedSdm model =
                SdmTrainer.train(
                        PlantedSessions.sessions(20, 3, 6, 30, 0.9, 3),
                        separate,
                        ProgressListener.NONE)) {
            assertThat(model.tower().graph().operation(VariableNames.OUTPUT_ITEM_EMBEDDING))
                    .isNotNull();
            float[] inputTable;
            try (Result r = model.session().runner().fetch(VariableNames.ITEM_EMBEDDING).run()) {
                inputTable = InputTensors.toArray((TFloat32) r.get(0));
            }
            int d = separate.hiddenSize();
            int row = Vocabulary.FIRST_VALUE;
            assertThat(model.itemEmbeddings()[0])
                    .isNotEqualTo(Arrays.copyOfRange(inputTable, row * d, (row + 1) * d));
        }
    }
}
