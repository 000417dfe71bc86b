package org.sdmstream.model.training;

import java.util.List;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.UserVectorModel;

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
}
