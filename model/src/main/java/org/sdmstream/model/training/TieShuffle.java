package org.sdmstream.model.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;

/**
 * Training-time augmentation against the arbitrary order inside timestamp ties ({@code
 * shuffleTies}): a session's clicks that share an event time are fed in a fresh random order, and
 * the labels follow that order. A log with second-resolution times (ml-100k: 76 % of ratings share
 * their second with another of the same user) records a tie in whatever order its file has; a model
 * always fed that one order learns it as if it were behaviour. The session's last label (the user's
 * next session's first click) stays: it follows the whole session, whatever order its ties take.
 */
final class TieShuffle {

    private TieShuffle() {}

    /** {@code example} itself when its session has no tie. */
    static SessionExample shuffle(SessionExample example, Random random) {
        List<Behavior> clicks = example.input().session();
        int n = clicks.size();
        List<Behavior> order = null;
        int from = 0;
        while (from < n) {
            int to = from + 1;
            while (to < n && clicks.get(to).eventTime() == clicks.get(from).eventTime()) {
                to++;
            }
            if (to - from > 1) {
                if (order == null) {
                    order = new ArrayList<>(clicks);
                }
                Collections.shuffle(order.subList(from, to), random);
            }
            from = to;
        }
        if (order == null) {
            return example;
        }
        List<String> next = new ArrayList<>(n);
        for (int j = 0; j + 1 < n; j++) {
            next.add(order.get(j + 1).itemId());
        }
        next.add(example.nextItems().get(n - 1));
        ModelInput in = example.input();
        return new SessionExample(
                new ModelInput(
                        in.userId(),
                        in.sessionId(),
                        order,
                        in.history(),
                        in.profile(),
                        in.eventTime()),
                next);
    }
}
