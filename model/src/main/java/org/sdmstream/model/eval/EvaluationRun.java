package org.sdmstream.model.eval;

import java.util.List;

/**
 * Everything one evaluation produced, as the report shows it: what was evaluated on, under which
 * protocol settings, and one result per model.
 *
 * @param dataset a human description of the click log (a path or a name)
 * @param clicks clicks in the log
 * @param trainingClicks clicks left for training after the held-out ones
 * @param evaluatedUsers users with a test case
 * @param skippedUsers users with fewer than two clicks
 */
public record EvaluationRun(
        String dataset,
        int clicks,
        int trainingClicks,
        int evaluatedUsers,
        int skippedUsers,
        List<Integer> ks,
        boolean excludeSeen,
        long seed,
        List<ModelResult> models) {

    public EvaluationRun {
        ks = List.copyOf(ks);
        models = List.copyOf(models);
    }
}
