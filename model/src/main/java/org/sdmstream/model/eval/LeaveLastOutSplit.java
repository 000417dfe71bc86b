package org.sdmstream.model.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sdmstream.features.Click;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;

/**
 * The leave-last-out protocol of DeepMatch's MovieLens notebooks: per user, in the shared
 * event-time order (ties in log order), the last click is held out and the user's model input is
 * what the stream would have emitted after the click before it. Optionally the second-to-last click
 * is carved out for validation the same way. Users with fewer than two clicks cannot be asked
 * anything and are skipped (and counted).
 *
 * @param training everything a model may learn from
 * @param testCases one case per evaluated user, users in first-appearance order
 * @param skippedUsers users with fewer than two clicks
 */
public record LeaveLastOutSplit(
        TrainingSplit training, List<EvaluationCase> testCases, int skippedUsers) {

    /** Whether to carve a validation click out of the training data as well. */
    public enum Validation {
        /** Only the last click is held out; no validation cases. */
        NONE,
        /**
         * The second-to-last click of users with at least three clicks becomes a validation case.
         */
        SECOND_TO_LAST
    }

    public LeaveLastOutSplit {
        testCases = List.copyOf(testCases);
    }

    /** Splits a click log (in log order) under the given session rules. */
    public static LeaveLastOutSplit of(
            List<Click> clicks, SessionRules rules, Validation validation) {
        Map<String, List<Click>> byUser = OfflineSessionizer.byUserInTimeOrder(clicks);
        // Identity, not equality: a log may hold two identical clicks, and only the held-out one
        // must go.
        Set<Click> heldOut = Collections.newSetFromMap(new IdentityHashMap<>());
        List<EvaluationCase> tests = new ArrayList<>();
        List<EvaluationCase> validations = new ArrayList<>();
        int skipped = 0;
        for (Map.Entry<String, List<Click>> user : byUser.entrySet()) {
            List<Click> inOrder = user.getValue();
            int n = inOrder.size();
            if (n < 2) {
                skipped++;
                continue;
            }
            tests.add(caseAt(user.getKey(), inOrder, n - 1, rules));
            heldOut.add(inOrder.get(n - 1));
            if (validation == Validation.SECOND_TO_LAST && n >= 3) {
                validations.add(caseAt(user.getKey(), inOrder, n - 2, rules));
                heldOut.add(inOrder.get(n - 2));
            }
        }
        List<Click> training = new ArrayList<>(clicks.size() - heldOut.size());
        for (Click c : clicks) {
            if (!heldOut.contains(c)) {
                training.add(c);
            }
        }
        var sessions = new OfflineSessionizer(rules).sessionize(training);
        return new LeaveLastOutSplit(
                new TrainingSplit(rules, training, sessions, validations), tests, skipped);
    }

    /**
     * The case for the click at {@code target}: its input replays the user's clicks before it, as
     * the stream would.
     */
    static EvaluationCase caseAt(
            String userId, List<Click> inOrder, int target, SessionRules rules) {
        UserTimeline timeline = new UserTimeline();
        List<String> prior = new ArrayList<>(target);
        for (int i = 0; i < target; i++) {
            Click c = inOrder.get(i);
            timeline.accept(userId, c, rules);
            prior.add(c.behavior().itemId());
        }
        return new EvaluationCase(
                userId,
                timeline.modelInput(userId),
                List.of(inOrder.get(target).behavior().itemId()),
                prior);
    }

    /** Users asked in the test. */
    public int evaluatedUsers() {
        return testCases.size();
    }
}
