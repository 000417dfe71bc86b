package org.sdmstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.testing.PlantedSessions;

/**
 * A planted long-term taste: every user prefers one of 4 item groups; half of their clicks come
 * from it, the rest are random. For users never seen in training, only the history tells the taste,
 * so SDM's long-term branch must find it where SDM without that branch cannot.
 */
class LongTermBranchITCase {

    private static final int ITEMS = 40;
    private static final int GROUPS = 4;

    private static int click(Random r, int group) {
        return r.nextBoolean() ? group + GROUPS * r.nextInt(ITEMS / GROUPS) : r.nextInt(ITEMS);
    }

    private static List<Session> sessions() {
        Random r = new Random(11);
        List<Click> clicks = new ArrayList<>();
        for (int u = 0; u < 120; u++) {
            long time = 1_700_000_000_000L + u;
            for (int s = 0; s < 4; s++) {
                for (int c = 0; c < 5; c++) {
                    clicks.add(
                            new Click(
                                    "u" + u,
                                    null,
                                    PlantedSessions.behavior(click(r, u % GROUPS), time)));
                    time += PlantedSessions.MINUTE;
                }
                time += 60 * PlantedSessions.MINUTE;
            }
        }
        return new OfflineSessionizer(SessionRules.DEFAULT).sessionize(clicks);
    }

    /** Share of the top-5 items that belong to the unseen user's history group. */
    private static double tasteShare(TrainedSdm model) {
        Random r = new Random(99);
        List<ModelInput> probes = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        for (int p = 0; p < 80; p++) {
            int group = p % GROUPS;
            List<org.sdmstream.features.Behavior> history = new ArrayList<>();
            for (int h = 0; h < 10; h++) {
                history.add(
                        PlantedSessions.behavior(group + GROUPS * r.nextInt(ITEMS / GROUPS), 0L));
            }
            int other =
                    (group + 1 + r.nextInt(GROUPS - 1)) % GROUPS; // the current click is off-taste
            probes.add(
                    new ModelInput(
                            "new-user-" + p,
                            "s",
                            List.of(
                                    PlantedSessions.behavior(
                                            other + GROUPS * r.nextInt(ITEMS / GROUPS), 0L)),
                            history,
                            Map.of(),
                            0L));
            groups.add(group);
        }
        float[][] users = model.userVectors(probes);
        float[][] items = model.itemEmbeddings();
        List<String> ids = model.itemIds();
        int inGroup = 0;
        for (int i = 0; i < users.length; i++) {
            Integer[] order = new Integer[items.length];
            for (int k = 0; k < order.length; k++) {
                order[k] = k;
            }
            float[] u = users[i];
            java.util.Arrays.sort(
                    order,
                    (a, b) -> Double.compare(Recall.dot(u, items[b]), Recall.dot(u, items[a])));
            for (int k = 0; k < 5; k++) {
                int item = Integer.parseInt(ids.get(order[k]).substring(1));
                if (item % GROUPS == groups.get(i)) {
                    inGroup++;
                }
            }
        }
        return inGroup / (5.0 * users.length);
    }

    @Test
    void longTermBranchRecoversTheTasteOfUnseenUsers() {
        List<Session> sessions = sessions();
        SdmConfig config =
                SdmTrainerITCase.tiny().toBuilder()
                        .maxHistoryLength(10)
                        .epochs(12)
                        .patience(0)
                        .unknownUserRate(0.5)
                        .batchSize(32)
                        .build();
        try (TrainedSdm sdm = SdmTrainer.train(sessions, config, ProgressListener.NONE);
                TrainedSdm shortTerm =
                        SdmTrainer.train(
                                sessions,
                                config.withArchitecture(SdmConfig.Architecture.SDM, false),
                                ProgressListener.NONE)) {
            double withHistory = tasteShare(sdm);
            double without = tasteShare(shortTerm);
            System.err.printf(
                    "taste share in top-5 for unseen users: SDM %.3f, SDM without long-term %.3f (chance 0.25)%n",
                    withHistory, without);
            assertThat(withHistory).isGreaterThan(0.5);
            assertThat(withHistory).isGreaterThan(without + 0.2);
        }
    }
}
