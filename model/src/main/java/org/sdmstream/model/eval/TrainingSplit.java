package org.sdmstream.model.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sdmstream.features.Click;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;

/**
 * What a model may learn from in an evaluation: the click log minus every held-out click, cut into
 * sessions by the shared rules, plus the validation cases (for early stopping) whose clicks are
 * also absent from the training clicks. The test cases are deliberately not reachable from here.
 *
 * @param rules the session rules the sessions were cut with (trainers cut samples with the same)
 * @param clicks the training clicks, in log order
 * @param sessions the training clicks as sessions, users in first-appearance order
 * @param validation one case per user with a validation click; empty when no carve-out was asked
 *     for
 */
public record TrainingSplit(
        SessionRules rules,
        List<Click> clicks,
        List<Session> sessions,
        List<EvaluationCase> validation) {

    public TrainingSplit {
        clicks = List.copyOf(clicks);
        sessions = List.copyOf(sessions);
        validation = List.copyOf(validation);
    }

    /**
     * Each user's profile as of their latest training click that carried one (users without one are
     * absent).
     */
    public Map<String, Map<String, String>> profiles() {
        Map<String, Map<String, String>> out = new HashMap<>();
        // Sessions hold behaviours only, so the profile comes from the clicks, as UserTimeline
        // keeps it.
        for (List<Click> user : OfflineSessionizer.byUserInTimeOrder(clicks).values()) {
            for (Click c : user) {
                if (!c.profile().isEmpty()) {
                    out.put(c.userId(), c.profile());
                }
            }
        }
        return out;
    }
}
