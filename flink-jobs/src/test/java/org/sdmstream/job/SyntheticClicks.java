package org.sdmstream.job;

import java.time.Instant;
import java.util.Map;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.sdmstream.job.ingest.DecodedClick;
import org.sdmstream.records.ClickEvent;

/**
 * Deterministic synthetic clicks for a {@code DataGeneratorSource}: click {@code i} belongs to user
 * {@code i % users} at {@code start + i * stepMillis}, so each user clicks every {@code users *
 * stepMillis} ms; items, categories and shops are spread by a hash of {@code i}.
 */
public final class SyntheticClicks implements GeneratorFunction<Long, DecodedClick> {

    private static final long serialVersionUID = 1L;

    private final int users;
    private final long start;
    private final long stepMillis;

    public SyntheticClicks(int users, long start, long stepMillis) {
        this.users = users;
        this.start = start;
        this.stepMillis = stepMillis;
    }

    @Override
    public DecodedClick map(Long index) {
        return DecodedClick.ofClick(click(index));
    }

    public ClickEvent click(long i) {
        long h = (i * 0x9E3779B97F4A7C15L) >>> 17;
        return ClickEvent.newBuilder()
                .setUserId("user-" + (i % users))
                .setItemId("item-" + (h % 50_000))
                .setCategoryId("cat-" + (h % 500))
                .setBrandId((h & 1) == 0 ? null : "brand-" + (h % 2_000))
                .setShopId("shop-" + (h % 5_000))
                .setSessionId(null)
                .setEventTime(Instant.ofEpochMilli(start + i * stepMillis))
                .setProfile(Map.of("age", "a" + (i % users % 5)))
                .build();
    }
}
