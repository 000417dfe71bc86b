package org.sdmstream.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;
import org.sdmstream.records.ClickEvent;

/**
 * Click fixtures and the offline expectation (the same UserTimeline, replayed in event-time order).
 */
public final class TestClicks {

    public static final long T0 = 1_700_000_000_000L;
    public static final long MINUTE = 60_000L;
    public static final long DAY = 24 * 60 * MINUTE;

    /**
     * Below the ITCases' out-of-orderness (KafkaJobFixture.OUT_OF_ORDERNESS): no valid click is
     * ever late.
     */
    public static final long MAX_ARRIVAL_DISORDER = 4_000;

    private TestClicks() {}

    public static ClickEvent click(String user, String item, long time) {
        return click(user, item, time, null);
    }

    public static ClickEvent click(String user, String item, long time, String clientSessionId) {
        return ClickEvent.newBuilder()
                .setUserId(user)
                .setItemId(item)
                .setCategoryId("c-" + item)
                .setBrandId(null)
                .setShopId("s-" + item)
                .setSessionId(clientSessionId)
                .setEventTime(Instant.ofEpochMilli(time))
                .setProfile(Map.of("age", "25-34"))
                .build();
    }

    /**
     * Every per-click model input the session rules produce for these clicks, users in
     * first-appearance order.
     */
    public static List<ModelInput> offlineModelInputs(List<ClickEvent> clicks, SessionRules rules) {
        List<Click> converted = clicks.stream().map(FeatureRecords::toClick).toList();
        List<ModelInput> out = new ArrayList<>();
        OfflineSessionizer.byUserInTimeOrder(converted)
                .forEach(
                        (user, userClicks) -> {
                            UserTimeline t = new UserTimeline();
                            for (Click c : userClicks) {
                                t.accept(user, c, rules);
                                out.add(t.modelInput(user));
                            }
                        });
        return out;
    }

    /**
     * Users' clicks with sessions of all kinds: short and long gaps, client ids bridging a gap, a
     * user over the 50 cap, a user silent for more than 7 days (state expiry and an empty history
     * afterwards).
     */
    public static List<ClickEvent> userClicks(
            Random random, int users, long from, long to, String batch) {
        List<ClickEvent> clicks = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = "user-" + u;
            long t = from + random.nextInt(60_000);
            String sdk = "sdk-" + batch + "-0";
            int n = u == 0 ? 130 : 20 + random.nextInt(40);
            for (int i = 0; i < n && t < to; i++) {
                clicks.add(
                        ClickEvent.newBuilder()
                                .setUserId(user)
                                .setItemId("item-" + random.nextInt(300))
                                .setCategoryId("cat-" + random.nextInt(20))
                                .setBrandId(
                                        random.nextInt(3) == 0
                                                ? null
                                                : "brand-" + random.nextInt(9))
                                .setShopId("shop-" + random.nextInt(30))
                                .setSessionId(random.nextBoolean() ? sdk : null)
                                .setEventTime(Instant.ofEpochMilli(t))
                                // every third user's profile changes halfway (a birthday): the
                                // newest profile counts
                                .setProfile(
                                        Map.of(
                                                "age",
                                                "a"
                                                        + ((u + (u % 3 == 1 && i >= n / 2 ? 1 : 0))
                                                                % 4),
                                                "gender",
                                                u % 2 == 0 ? "f" : "m"))
                                .build());
                int kind =
                        u == 0
                                ? 99
                                : random.nextInt(
                                        20); // user-0 clicks on and on: sessions cut by the cap
                if (kind == 0) {
                    t +=
                            30 * MINUTE
                                    + random.nextInt(60) * MINUTE; // new session unless same sdk id
                } else if (kind == 1) {
                    sdk = "sdk-" + batch + "-" + i;
                    t += 11 * MINUTE;
                } else {
                    t += 5_000 + random.nextInt(90_000);
                }
            }
        }
        if (users > 1) { // one user comes back after more than a week
            long back = Math.min(to, from + 8 * DAY + DAY / 2);
            clicks.add(click("user-1", "comeback-" + batch, back));
        }
        return clicks;
    }

    /** Per partition in event-time order, disturbed by at most MAX_ARRIVAL_DISORDER. */
    public static List<ClickEvent> arrivalOrder(List<ClickEvent> clicks, Random random) {
        Map<ClickEvent, Long> arrival = new HashMap<>();
        for (ClickEvent c : clicks) {
            arrival.put(
                    c,
                    c.getEventTime().toEpochMilli() + random.nextInt((int) MAX_ARRIVAL_DISORDER));
        }
        List<ClickEvent> sorted = new ArrayList<>(clicks);
        sorted.sort(Comparator.comparing(arrival::get));
        return sorted;
    }
}
