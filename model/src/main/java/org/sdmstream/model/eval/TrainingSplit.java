package org.sdmstream.model.eval;

import java.util.List;

import org.sdmstream.features.Click;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;

/**
 * What a model may learn from in an evaluation: the click log minus every held-out click, cut into
 * sessions by the shared rules, plus the validation cases (for early stopping) whose clicks are also
 * absent from the training clicks. The test cases are deliberately not reachable from here.
 *
 * @param rules the session rules the sessions were cut with (trainers cut samples with the same)
 * @param clicks the training clicks, in log order
 * @param sessions the training clicks as sessions, users in first-appearance order
 * @param validation one case per user with a validation click; empty when no carve-out was asked for
 */
public record TrainingSplit(SessionRules rules, List<Click> clicks, List<Session> sessions, List<EvaluationCase> validation) {

    public TrainingSplit {
        clicks = List.copyOf(clicks);
        sessions = List.copyOf(sessions);
        validation = List.copyOf(validation);
    }
}
