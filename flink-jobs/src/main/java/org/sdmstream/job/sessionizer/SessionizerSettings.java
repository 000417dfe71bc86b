package org.sdmstream.job.sessionizer;

import java.io.Serializable;
import java.time.Duration;
import org.sdmstream.features.SessionRules;

/**
 * What the {@link ClickSessionizer} needs from the job configuration.
 *
 * @param rules the session and history rules (gap, cap, horizon, history length)
 * @param allowedLateness how far behind the watermark a click may be and still be applied (if it is
 *     not older than the user's last applied click)
 * @param maxPendingClicks per-user clicks kept in the compact buffer ahead of the watermark; more
 *     spill to state keyed by event time (none is refused)
 * @param stateTtl processing-time TTL of the user's state, a backstop behind the event-time expiry:
 *     it must not expire before the event-time rule would (horizon + lateness) even when clicks are
 *     replayed after an outage, so it is the horizon plus the longest outage to survive
 * @param expiryTimerResolution expiry timers are rounded up to this, so a user's clicks share few
 *     timers
 * @param clicksTopic the input topic, named in dead letters made inside the job
 * @param maxWait when positive, the longest (processing time) a click waits for the watermark
 *     before it is applied anyway: bounded latency when the watermark lags, at the price of exact
 *     event-time order (a click arriving later with an earlier time is then late). Zero: clicks
 *     wait for the watermark, as offline.
 * @param heapPendingClicks clicks (plus one per user) a subtask keeps waiting for the watermark on
 *     the heap, written to keyed state only at checkpoints ({@link HeapPendingClicks}); users
 *     beyond it keep their buffer in keyed state, read and written per click. 0: always keyed
 *     state.
 */
public record SessionizerSettings(
        SessionRules rules,
        Duration allowedLateness,
        int maxPendingClicks,
        Duration stateTtl,
        Duration expiryTimerResolution,
        String clicksTopic,
        Duration maxWait,
        int heapPendingClicks)
        implements Serializable {

    /** Settings with the default heap buffer. */
    public SessionizerSettings(
            SessionRules rules,
            Duration allowedLateness,
            int maxPendingClicks,
            Duration stateTtl,
            Duration expiryTimerResolution,
            String clicksTopic,
            Duration maxWait) {
        this(
                rules,
                allowedLateness,
                maxPendingClicks,
                stateTtl,
                expiryTimerResolution,
                clicksTopic,
                maxWait,
                SessionizerOptions.HEAP_PENDING_CLICKS.defaultValue());
    }

    /** Settings with exact event-time order (no {@code maxWait}). */
    public SessionizerSettings(
            SessionRules rules,
            Duration allowedLateness,
            int maxPendingClicks,
            Duration stateTtl,
            Duration expiryTimerResolution,
            String clicksTopic) {
        this(
                rules,
                allowedLateness,
                maxPendingClicks,
                stateTtl,
                expiryTimerResolution,
                clicksTopic,
                Duration.ZERO);
    }

    public SessionizerSettings {
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("max wait must not be negative, got " + maxWait);
        }
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException(
                    "allowed lateness must not be negative, got " + allowedLateness);
        }
        if (heapPendingClicks < 0) {
            throw new IllegalArgumentException(
                    "heap pending clicks must be >= 0, got " + heapPendingClicks);
        }
        if (maxPendingClicks < 1) {
            throw new IllegalArgumentException(
                    "max pending clicks must be >= 1, got " + maxPendingClicks);
        }
        if (stateTtl.compareTo(rules.historyHorizon().plus(allowedLateness)) <= 0) {
            throw new IllegalArgumentException(
                    "state TTL ("
                            + stateTtl
                            + ") must exceed the history horizon ("
                            + rules.historyHorizon()
                            + ") plus the allowed lateness ("
                            + allowedLateness
                            + ") or it would cut histories short; add the longest outage a replay must survive");
        }
        if (expiryTimerResolution.isNegative() || expiryTimerResolution.isZero()) {
            throw new IllegalArgumentException(
                    "expiry timer resolution must be positive, got " + expiryTimerResolution);
        }
    }

    public static SessionizerSettings defaults(String clicksTopic) {
        return new SessionizerSettings(
                SessionRules.DEFAULT,
                SessionizerOptions.ALLOWED_LATENESS.defaultValue(),
                SessionizerOptions.MAX_PENDING_CLICKS.defaultValue(),
                SessionizerOptions.STATE_TTL.defaultValue(),
                SessionizerOptions.EXPIRY_TIMER_RESOLUTION.defaultValue(),
                clicksTopic);
    }
}
