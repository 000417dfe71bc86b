package org.sdmstream.system;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.records.ClickEvent;

/**
 * Deterministic click streams for the system tests, and exactly what the job must emit for them.
 * Clicks are written in event-time order, each user's to one partition, so the job's output depends
 * only on the log, never on timing: per partition the watermark ends at (latest event time −
 * out-of-orderness − 1), every click at or before the lowest of those is emitted, in the order the
 * offline {@link UserTimeline} replay gives.
 */
final class ClickScript {

    static final int PARTITIONS = 2;
    static final long OUT_OF_ORDERNESS_MS = 5_000;
    static final long T0 = 1_700_000_000_000L;
    static final long SECOND = 1_000L;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    static final SessionRules RULES = SessionRules.DEFAULT;

    private ClickScript() {}

    static int partitionOf(String user) {
        return Math.floorMod(user.hashCode(), PARTITIONS);
    }

    static ClickEvent click(String user, String item, long time, String clientSessionId) {
        return ClickEvent.newBuilder()
                .setUserId(user)
                .setItemId(item)
                .setCategoryId("cat-" + Math.floorMod(item.hashCode(), 20))
                .setBrandId(
                        Math.floorMod(item.hashCode(), 3) == 0
                                ? null
                                : "brand-" + Math.floorMod(item.hashCode(), 9))
                .setShopId("shop-" + Math.floorMod(item.hashCode(), 30))
                .setSessionId(clientSessionId)
                .setEventTime(Instant.ofEpochMilli(time))
                .setProfile(Map.of("age", "a" + Math.floorMod(user.hashCode(), 4)))
                .build();
    }

    /**
     * {@code users} users clicking between {@code from} and {@code to}: short gaps, long gaps that
     * start new sessions, client session ids that bridge a gap, and user 0 clicking on past the
     * 50-click cap. Sorted by event time; a user's clicks never share a millisecond.
     */
    static List<ClickEvent> users(Random random, String prefix, int users, long from, long to) {
        List<ClickEvent> clicks = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = prefix + "-" + u;
            long t = from + random.nextInt(60_000);
            String sdk = user + "-sdk-0";
            for (int i = 0; t < to; i++) {
                clicks.add(
                        click(
                                user,
                                "item-" + random.nextInt(500),
                                t,
                                random.nextBoolean() ? sdk : null));
                int kind = u == 0 ? 99 : random.nextInt(25);
                if (kind == 0) {
                    t += 30 * MINUTE + random.nextInt(60) * MINUTE;
                } else if (kind == 1) {
                    sdk = user + "-sdk-" + i;
                    t += 11 * MINUTE;
                } else {
                    t += 2 * SECOND + random.nextInt(60_000);
                }
            }
        }
        return sortByTime(clicks);
    }

    /**
     * One click per partition at {@code time}, from users of their own: they move every watermark
     * to time − out-of-orderness.
     */
    static List<ClickEvent> flush(String tag, long time) {
        List<ClickEvent> out = new ArrayList<>();
        for (int i = 0; out.size() < PARTITIONS; i++) {
            String user = "flush-" + tag + "-" + i;
            if (out.stream().noneMatch(c -> partitionOf(c.getUserId()) == partitionOf(user))) {
                out.add(click(user, "flush", time, null));
            }
        }
        return out;
    }

    static List<ClickEvent> sortByTime(List<ClickEvent> clicks) {
        List<ClickEvent> sorted = new ArrayList<>(clicks);
        sorted.sort(
                Comparator.comparing(ClickEvent::getEventTime)); // stable: ties keep their order
        return sorted;
    }

    /** The watermark the job ends at for these valid clicks (in log order). */
    static long finalWatermark(List<ClickEvent> validClicks) {
        long[] max = new long[PARTITIONS];
        java.util.Arrays.fill(max, Long.MIN_VALUE);
        for (ClickEvent c : validClicks) {
            int p = partitionOf(c.getUserId());
            max[p] = Math.max(max[p], c.getEventTime().toEpochMilli());
        }
        long w = Long.MAX_VALUE;
        for (long m : max) {
            w = Math.min(w, m == Long.MIN_VALUE ? Long.MIN_VALUE : m - OUT_OF_ORDERNESS_MS - 1);
        }
        return w;
    }

    /**
     * Per user, in emission order, the model input the job emits for each click it applies: the
     * offline replay of the valid clicks the final watermark has passed.
     */
    static Map<String, List<ModelInput>> expectedByUser(List<ClickEvent> validClicksInLogOrder) {
        long watermark = finalWatermark(validClicksInLogOrder);
        Map<String, UserTimeline> timelines = new LinkedHashMap<>();
        Map<String, List<ModelInput>> out = new LinkedHashMap<>();
        for (ClickEvent e : sortByTime(validClicksInLogOrder)) {
            if (e.getEventTime().toEpochMilli() > watermark) {
                continue;
            }
            Click c = FeatureRecords.toClick(e);
            UserTimeline t = timelines.computeIfAbsent(c.userId(), u -> new UserTimeline());
            t.accept(c.userId(), c, RULES);
            out.computeIfAbsent(c.userId(), u -> new ArrayList<>()).add(t.modelInput(c.userId()));
        }
        return out;
    }

    static int count(Map<String, List<ModelInput>> byUser) {
        return byUser.values().stream().mapToInt(List::size).sum();
    }
}
