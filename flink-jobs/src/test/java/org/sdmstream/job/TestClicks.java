package org.sdmstream.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.records.ClickEvent;

/** Click fixtures and the offline expectation (the same UserTimeline, replayed in event-time order). */
public final class TestClicks {

    public static final long T0 = 1_700_000_000_000L;
    public static final long MINUTE = 60_000L;
    public static final long DAY = 24 * 60 * MINUTE;

    private TestClicks() {}

    public static ClickEvent click(String user, String item, long time) {
        return click(user, item, time, null);
    }

    public static ClickEvent click(String user, String item, long time, String clientSessionId) {
        return ClickEvent.newBuilder()
                .setUserId(user).setItemId(item).setCategoryId("c-" + item).setBrandId(null).setShopId("s-" + item)
                .setSessionId(clientSessionId).setEventTime(Instant.ofEpochMilli(time))
                .setProfile(Map.of("age", "25-34"))
                .build();
    }

    /** Every per-click model input the session rules produce for these clicks, users in first-appearance order. */
    public static List<ModelInput> offlineModelInputs(List<ClickEvent> clicks, SessionRules rules) {
        List<Click> converted = clicks.stream().map(FeatureRecords::toClick).toList();
        List<ModelInput> out = new ArrayList<>();
        OfflineSessionizer.byUserInTimeOrder(converted).forEach((user, userClicks) -> {
            UserTimeline t = new UserTimeline();
            for (Click c : userClicks) {
                t.accept(user, c, rules);
                out.add(t.modelInput(user));
            }
        });
        return out;
    }
}
