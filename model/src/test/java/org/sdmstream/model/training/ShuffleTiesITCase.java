package org.sdmstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Session;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.testing.PlantedSessions;

/**
 * {@code shuffleTies} reaches training: tied clicks are fed in a new order, nothing else changes.
 */
class ShuffleTiesITCase {

    private static final List<Session> UNTIED = PlantedSessions.sessions(20, 3, 6, 30, 0.9, 3);

    /** The planted sessions with every two consecutive clicks sharing the first one's time. */
    private static List<Session> tied() {
        List<Session> out = new ArrayList<>();
        for (Session s : UNTIED) {
            List<Behavior> clicks = new ArrayList<>();
            for (int i = 0; i < s.clicks().size(); i++) {
                Behavior b = s.clicks().get(i);
                long time = s.clicks().get(i - i % 2).eventTime();
                clicks.add(new Behavior(b.itemId(), b.categoryId(), b.brandId(), b.shopId(), time));
            }
            out.add(
                    new Session(
                            s.userId(), s.sessionId(), s.start(), s.end(), clicks, s.history()));
        }
        return out;
    }

    private static float trainLoss(List<Session> sessions, SdmConfig config) {
        try (TrainedSdm model = SdmTrainer.train(sessions, config, ProgressListener.NONE)) {
            return (float) model.epochs().get(0).trainLoss();
        }
    }

    @Test
    void tiedClicksAreFedInAFreshOrderOnlyWhenAskedAndOnlyWhereTheyAreTied() {
        SdmConfig plain = TowerBehaviourITCase.config(TowerBehaviourITCase.Variant.SDM);
        SdmConfig shuffled = plain.toBuilder().shuffleTies(true).build();
        List<Session> tied = tied();
        float tiedPlain = trainLoss(tied, plain);
        // Training is bit-reproducible, so any difference below comes from the fed order.
        assertThat(trainLoss(tied, plain)).isEqualTo(tiedPlain);
        assertThat(trainLoss(tied, shuffled)).isNotEqualTo(tiedPlain);
        // Without ties there is nothing to shuffle: the same training to the bit.
        assertThat(trainLoss(UNTIED, shuffled)).isEqualTo(trainLoss(UNTIED, plain));
    }
}
