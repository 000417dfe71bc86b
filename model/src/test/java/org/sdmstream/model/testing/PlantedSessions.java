package org.sdmstream.model.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;

/**
 * A small click log with a planted sequential pattern: after item k the user clicks item k+1 (mod
 * N) with probability {@code follow}, otherwise a random item. Categories are k mod 7, shops k mod
 * 3, brands absent. Sessionized with the real session rules.
 */
public final class PlantedSessions {

    public static final long MINUTE = 60_000L;

    private PlantedSessions() {}

    public static String item(int k) {
        return "i" + k;
    }

    public static Behavior behavior(int k, long time) {
        return new Behavior(item(k), "c" + (k % 7), null, "s" + (k % 3), time);
    }

    public static List<Click> clicks(
            int users,
            int sessionsPerUser,
            int sessionLength,
            int items,
            double follow,
            long seed) {
        Random r = new Random(seed);
        List<Click> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            long time = 1_700_000_000_000L + u * 1000L;
            int k = r.nextInt(items);
            for (int s = 0; s < sessionsPerUser; s++) {
                for (int c = 0; c < sessionLength; c++) {
                    out.add(new Click("u" + u, null, behavior(k, time)));
                    time += MINUTE;
                    k = r.nextDouble() < follow ? (k + 1) % items : r.nextInt(items);
                }
                time += 60 * MINUTE; // a break: the next click opens a new session
            }
        }
        return out;
    }

    public static List<Session> sessions(
            int users,
            int sessionsPerUser,
            int sessionLength,
            int items,
            double follow,
            long seed) {
        return new OfflineSessionizer(SessionRules.DEFAULT)
                .sessionize(clicks(users, sessionsPerUser, sessionLength, items, follow, seed));
    }
}
