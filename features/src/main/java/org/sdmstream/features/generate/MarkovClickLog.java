package org.sdmstream.features.generate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;

/**
 * A click log whose next item depends on the order of the session: every item has one successor (a
 * fixed random permutation of the catalogue), which the next click takes with probability {@code
 * follow}, else a uniformly random item. A model that reads the session as a bag of items, or in
 * reverse, cannot tell an item's successor from its predecessor (both co-occur with it equally
 * often); one that reads the session in order can. Sessions are runs of clicks 30 s apart with an
 * hour between them, so the session rules cut them where the generator does.
 */
public final class MarkovClickLog {

    private static final long CLICK_GAP_MILLIS = 30_000;
    private static final long SESSION_GAP_MILLIS = 3_600_000;
    private static final long START_MILLIS = 1_700_000_000_000L;

    private MarkovClickLog() {}

    /**
     * @param follow probability that a click takes the previous item's successor, in [0, 1]
     * @return the clicks of every user in event-time order, users one after the other
     */
    public static List<Click> generate(
            int users,
            int items,
            int sessionsPerUser,
            int sessionLength,
            double follow,
            long seed) {
        if (users < 1
                || items < 2
                || sessionsPerUser < 1
                || sessionLength < 1
                || follow < 0
                || follow > 1) {
            throw new IllegalArgumentException(
                    "users >= 1, items >= 2, sessions and length >= 1, follow in [0, 1]");
        }
        Random random = new Random(seed);
        List<Integer> successor = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            successor.add(i);
        }
        Collections.shuffle(successor, random);
        List<Click> clicks = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = "user-" + u;
            long time = START_MILLIS + u * 1000L;
            for (int s = 0; s < sessionsPerUser; s++) {
                int item = random.nextInt(items);
                for (int c = 0; c < sessionLength; c++) {
                    clicks.add(
                            new Click(
                                    user,
                                    null,
                                    new Behavior(
                                            "item-" + item,
                                            "category-" + item % 10,
                                            null,
                                            null,
                                            time)));
                    item =
                            random.nextDouble() < follow
                                    ? successor.get(item)
                                    : random.nextInt(items);
                    time += CLICK_GAP_MILLIS;
                }
                time += SESSION_GAP_MILLIS;
            }
        }
        return clicks;
    }
}
