package org.sdmstream.job.sessionizer;

import java.util.ArrayList;
import java.util.List;
import org.sdmstream.features.Click;

/**
 * One user's clicks that arrived ahead of the watermark, sorted by event time with ties in arrival
 * order. They wait here until the watermark passes them, so the session rules always see a user's
 * clicks in event-time order. Small by design (bounded by the configured cap).
 */
public final class PendingClicks {

    private final ArrayList<Click> clicks;

    public PendingClicks() {
        this(new ArrayList<>(4));
    }

    /** Takes the list over; it must already be in event-time order. */
    PendingClicks(ArrayList<Click> clicksInOrder) {
        this.clicks = clicksInOrder;
    }

    /**
     * Inserts after every click with the same or an earlier event time (ties keep arrival order).
     */
    public void add(Click click) {
        long t = click.eventTime();
        int lo = 0;
        int hi = clicks.size();
        while (lo < hi) { // first index with a time > t
            int mid = (lo + hi) >>> 1;
            if (clicks.get(mid).eventTime() <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        clicks.add(lo, click);
    }

    /** Removes and returns, in order, the clicks with event time at most {@code time}. */
    public List<Click> takeUpTo(long time) {
        int n = 0;
        while (n < clicks.size() && clicks.get(n).eventTime() <= time) {
            n++;
        }
        List<Click> due = new ArrayList<>(clicks.subList(0, n));
        clicks.subList(0, n).clear();
        return due;
    }

    /** The event time of the first click; the buffer must not be empty. */
    public long firstEventTime() {
        return clicks.get(0).eventTime();
    }

    public boolean isEmpty() {
        return clicks.isEmpty();
    }

    public int size() {
        return clicks.size();
    }

    /** The clicks in order (read-only view). */
    public List<Click> clicks() {
        return java.util.Collections.unmodifiableList(clicks);
    }
}
