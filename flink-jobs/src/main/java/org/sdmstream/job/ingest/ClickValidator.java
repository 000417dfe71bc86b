package org.sdmstream.job.ingest;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import org.sdmstream.records.ClickEvent;

/**
 * The checks a decoded click must pass before it may touch keyed state: a user and an item, a sane
 * event time (not negative, not beyond now + max future, which would drag the watermark ahead and
 * make every other click late), and ids no longer than the configured limit.
 */
public final class ClickValidator implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Why a click was refused. */
    public record Rejection(DeadLetterReason reason, String detail) {}

    private final long maxFutureMillis;
    private final int maxIdLength;

    public ClickValidator(Duration maxFuture, int maxIdLength) {
        if (maxFuture.isNegative()) {
            throw new IllegalArgumentException("max future must not be negative, got " + maxFuture);
        }
        if (maxIdLength < 1) {
            throw new IllegalArgumentException("max id length must be >= 1, got " + maxIdLength);
        }
        this.maxFutureMillis = maxFuture.toMillis();
        this.maxIdLength = maxIdLength;
    }

    /**
     * Null when the click is fine, else why not. {@code nowMillis} is the reference time of the
     * max-future check (the later of the decoding TaskManager's clock and the record's Kafka
     * timestamp).
     */
    public Rejection check(ClickEvent click, long nowMillis) {
        if (isBlank(click.getUserId())) {
            return new Rejection(DeadLetterReason.MISSING_USER_ID, "click without a user id");
        }
        if (isBlank(click.getItemId())) {
            return new Rejection(
                    DeadLetterReason.MISSING_ITEM_ID,
                    "click of user " + shorten(click.getUserId()) + " without an item id");
        }
        long time = click.getEventTime().toEpochMilli();
        if (time < 0) {
            return new Rejection(DeadLetterReason.ABSURD_EVENT_TIME, "negative event time " + time);
        }
        if (time > nowMillis + maxFutureMillis) {
            return new Rejection(
                    DeadLetterReason.ABSURD_EVENT_TIME,
                    "event time "
                            + click.getEventTime()
                            + " is more than "
                            + Duration.ofMillis(maxFutureMillis)
                            + " after now ("
                            + nowMillis
                            + ")");
        }
        Rejection oversize = oversize("userId", click.getUserId());
        oversize = oversize != null ? oversize : oversize("itemId", click.getItemId());
        oversize = oversize != null ? oversize : oversize("categoryId", click.getCategoryId());
        oversize = oversize != null ? oversize : oversize("brandId", click.getBrandId());
        oversize = oversize != null ? oversize : oversize("shopId", click.getShopId());
        oversize = oversize != null ? oversize : oversize("sessionId", click.getSessionId());
        if (oversize == null && click.getProfile() != null) {
            for (Map.Entry<String, String> e : click.getProfile().entrySet()) {
                oversize = oversize != null ? oversize : oversize("profile key", e.getKey());
                oversize = oversize != null ? oversize : oversize("profile value", e.getValue());
            }
        }
        return oversize;
    }

    private Rejection oversize(String field, String id) {
        if (id != null && id.length() > maxIdLength) {
            return new Rejection(
                    DeadLetterReason.OVERSIZE_ID,
                    field + " of " + id.length() + " chars exceeds the limit of " + maxIdLength);
        }
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
