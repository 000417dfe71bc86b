package org.sdmstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Session;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.testing.PlantedSessions;

class SdmTrainerITCase {

    static SdmConfig tiny() {
        return SdmConfig.builder()
                .itemEmbeddingDim(16)
                .categoryEmbeddingDim(4)
                .brandEmbeddingDim(2)
                .shopEmbeddingDim(2)
                .userEmbeddingDim(8)
                .hiddenSize(16)
                .heads(2)
                .maxSessionLength(8)
                .maxHistoryLength(6)
                .batchSize(32)
                .epochs(8)
                .learningRate(0.01f)
                .patience(3)
                .build();
    }

    @Test
    void learnsAPlantedSequentialPattern() {
        List<Session> sessions = PlantedSessions.sessions(60, 4, 8, 40, 0.9, 1);
        try (TrainedSdm model = SdmTrainer.train(sessions, tiny(), new ProgressBar(8))) {
            List<EpochResult> epochs = model.epochs();
            assertThat(epochs.get(epochs.size() - 1).trainLoss())
                    .isLessThan(epochs.get(0).trainLoss() * 0.7);
            double recall = Recall.ofPlantedSuccessor(model, 40, 5);
            System.err.println("recall@5 = " + recall);
            // Training is bit-reproducible (OrderedAdam), so this is the documented figure, not a
            // loose bound.
            assertThat(recall).isGreaterThanOrEqualTo(0.9); // chance is 5/40
        }
    }
}
