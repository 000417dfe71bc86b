package org.sdmstream.features;

import java.time.Duration;

/**
 * The session and long-term history rules of the SDM paper (Lv et al., CIKM 2019, section 4.1),
 * with their limits as configuration. Per user, in event-time order (ties in arrival order), a
 * click starts a new session when it is the user's first; when the open session already holds
 * {@code maxSessionLength} clicks; or when the gap to the previous click is at least {@code gap}
 * and the click's session id is missing or differs from the previous click's. Clicks less than
 * {@code gap} apart merge even when their ids differ; equal ids keep a session together across a
 * long gap, but never across a gap longer than {@code historyHorizon} (that bound is what lets a
 * user's state be freed after a week of silence, in the stream and offline alike).
 *
 * <p>The long-term history of a session is, of the user's clicks before the session's first click,
 * those at most {@code historyHorizon} before the session's start; the most recent {@code
 * maxHistoryLength} are kept, oldest first.
 */
public record SessionRules(
        Duration gap, int maxSessionLength, Duration historyHorizon, int maxHistoryLength)
        implements java.io.Serializable {

    public static final SessionRules DEFAULT =
            new SessionRules(Duration.ofMinutes(10), 50, Duration.ofDays(7), 20);

    public SessionRules {
        if (gap.isNegative() || gap.isZero()) {
            throw new IllegalArgumentException("session gap must be positive, got " + gap);
        }
        if (maxSessionLength < 1) {
            throw new IllegalArgumentException(
                    "max session length must be >= 1, got " + maxSessionLength);
        }
        if (historyHorizon.compareTo(gap) < 0) {
            throw new IllegalArgumentException(
                    "history horizon ("
                            + historyHorizon
                            + ") must not be shorter than the session gap ("
                            + gap
                            + ")");
        }
        if (maxHistoryLength < 0) {
            throw new IllegalArgumentException(
                    "max history length must be >= 0, got " + maxHistoryLength);
        }
    }

    public long gapMillis() {
        return gap.toMillis();
    }

    public long historyHorizonMillis() {
        return historyHorizon.toMillis();
    }

    /**
     * Whether a click continues the open session. Call only when the user has an open session.
     *
     * @param openSessionLength clicks already in the open session
     * @param previousTime event time of the user's previous click
     * @param previousSessionId client session id of the previous click (may be null)
     * @param time event time of this click (not before {@code previousTime})
     * @param sessionId client session id of this click (may be null)
     */
    public boolean continuesSession(
            int openSessionLength,
            long previousTime,
            String previousSessionId,
            long time,
            String sessionId) {
        if (openSessionLength >= maxSessionLength) {
            return false;
        }
        long gapToPrevious = time - previousTime;
        if (gapToPrevious < gapMillis()) {
            return true;
        }
        return sessionId != null
                && sessionId.equals(previousSessionId)
                && gapToPrevious <= historyHorizonMillis();
    }

    /**
     * Whether a behaviour at {@code time} belongs to the history of a session starting at {@code
     * sessionStart}.
     */
    public boolean withinHorizon(long time, long sessionStart) {
        return sessionStart - time <= historyHorizonMillis();
    }
}
