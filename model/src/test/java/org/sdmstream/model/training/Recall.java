package org.sdmstream.model.training;

import java.util.ArrayList;
import java.util.List;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.UserVectorModel;
import org.sdmstream.model.testing.PlantedSessions;

/** Recall@k by brute-force inner product, for tests. */
final class Recall {

    private Recall() {}

    static double at(UserVectorModel model, List<ModelInput> inputs, List<String> expected, int k) {
        float[][] users = model.userVectors(inputs);
        float[][] items = model.itemEmbeddings();
        List<String> ids = model.itemIds();
        int hits = 0;
        for (int i = 0; i < users.length; i++) {
            int target = ids.indexOf(expected.get(i));
            if (target < 0) {
                continue;
            }
            double targetScore = dot(users[i], items[target]);
            int better = 0;
            for (float[] item : items) {
                if (dot(users[i], item) > targetScore) {
                    better++;
                }
            }
            if (better < k) {
                hits++;
            }
        }
        return hits / (double) users.length;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** One probe per planted item k: a session of that one click, no history, no profile. */
    static List<ModelInput> plantedProbes(int items) {
        List<ModelInput> probes = new ArrayList<>();
        for (int k = 0; k < items; k++) {
            probes.add(
                    new ModelInput(
                            "u1",
                            "p",
                            List.of(PlantedSessions.behavior(k, 0L)),
                            List.of(),
                            null,
                            0L));
        }
        return probes;
    }

    /**
     * Recall@k of the planted successor ((item + 1) mod items, {@link PlantedSessions}) from the
     * vector after one click of each item.
     */
    static double ofPlantedSuccessor(UserVectorModel model, int items, int k) {
        List<String> expected = new ArrayList<>();
        for (int item = 0; item < items; item++) {
            expected.add(PlantedSessions.item((item + 1) % items));
        }
        return at(model, plantedProbes(items), expected, k);
    }
}
