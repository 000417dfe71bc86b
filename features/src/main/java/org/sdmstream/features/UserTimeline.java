package org.sdmstream.features;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One user's place in the session rules: the open session, the long-term history it started with,
 * and what the next click needs to decide whether it continues the session. Clicks must be fed in
 * event-time order (the caller buffers out-of-order input); ties are taken in the order given.
 *
 * <p>The state is bounded by design: the history of the next session is the most recent {@code
 * maxHistoryLength} clicks before it within the horizon, and those can only come from the current
 * history and the open session, so nothing else is kept. The Flink job keeps exactly this object in
 * keyed state; the offline tools replay logs through it.
 */
public final class UserTimeline {

    private List<Behavior> history;
    private List<Behavior> session;
    private String lastClientSessionId;
    private long lastEventTime;
    private long sessionStart;

    /** Sessions cut by the cap can start in the same millisecond; this tells their ids apart. */
    private int sameStartIndex;

    private Map<String, String> profile;

    public UserTimeline() {
        this(
                new ArrayList<>(),
                new ArrayList<>(),
                null,
                Long.MIN_VALUE,
                Long.MIN_VALUE,
                0,
                Map.of());
    }

    /** Restores a timeline, e.g. from a state snapshot. The lists are taken over, not copied. */
    public UserTimeline(
            List<Behavior> history,
            List<Behavior> session,
            String lastClientSessionId,
            long lastEventTime,
            long sessionStart,
            int sameStartIndex,
            Map<String, String> profile) {
        this.history = history;
        this.session = session;
        this.lastClientSessionId = lastClientSessionId;
        this.lastEventTime = lastEventTime;
        this.sessionStart = sessionStart;
        this.sameStartIndex = sameStartIndex;
        this.profile = profile == null ? Map.of() : profile;
    }

    /** What one click did to the timeline. */
    public record Step(boolean startedSession, Session closedSession) {}

    /**
     * Applies one click. Returns whether it started a session and, if so, the session it closed.
     *
     * @throws IllegalArgumentException if the click is older than the previous one
     */
    public Step accept(String userId, Click click, SessionRules rules) {
        Behavior behavior = click.behavior();
        long time = behavior.eventTime();
        if (!session.isEmpty() && time < lastEventTime) {
            throw new IllegalArgumentException(
                    "click at "
                            + time
                            + " for user "
                            + userId
                            + " arrives after a click at "
                            + lastEventTime
                            + ": feed clicks in event-time order");
        }
        if (!click.profile().isEmpty()) {
            profile = click.profile();
        }
        Session closed = null;
        boolean started =
                session.isEmpty()
                        || !rules.continuesSession(
                                session.size(),
                                lastEventTime,
                                lastClientSessionId,
                                time,
                                click.clientSessionId());
        if (started) {
            if (!session.isEmpty()) {
                closed = closeOpenSession(userId);
            }
            history = historyFor(time, rules);
            session = new ArrayList<>(Math.min(rules.maxSessionLength(), 16));
            sameStartIndex = time == sessionStart ? sameStartIndex + 1 : 0;
            sessionStart = time;
        }
        session.add(behavior);
        lastEventTime = time;
        lastClientSessionId = click.clientSessionId();
        return new Step(started, closed);
    }

    /**
     * The history of a session starting at {@code start}: the newest of history + open session in
     * the horizon.
     */
    private List<Behavior> historyFor(long start, SessionRules rules) {
        int total = history.size() + session.size();
        int from = Math.max(0, total - rules.maxHistoryLength());
        List<Behavior> next = new ArrayList<>(Math.min(total, rules.maxHistoryLength()));
        for (int i = from; i < total; i++) {
            Behavior b = i < history.size() ? history.get(i) : session.get(i - history.size());
            // Clicks are in time order, so those in the horizon form a suffix.
            if (rules.withinHorizon(b.eventTime(), start)) {
                next.add(b);
            }
        }
        return next;
    }

    /** The open session as a finished {@link Session} (the timeline itself is unchanged). */
    public Session closeOpenSession(String userId) {
        if (session.isEmpty()) {
            throw new IllegalStateException("user " + userId + " has no open session");
        }
        return new Session(
                userId, sessionId(userId), sessionStart, lastEventTime, session, history);
    }

    /**
     * Whether nothing kept here can matter any more once event time has reached {@code time}: a
     * click after a gap longer than the horizon starts a session with an empty history. The stream
     * frees the user's state then.
     */
    public boolean expiredAt(long time, SessionRules rules) {
        return session.isEmpty() || time - lastEventTime > rules.historyHorizonMillis();
    }

    /** The per-click model input after the latest click. */
    public ModelInput modelInput(String userId) {
        if (session.isEmpty()) {
            throw new IllegalStateException("user " + userId + " has no open session");
        }
        return new ModelInput(userId, sessionId(userId), session, history, profile, lastEventTime);
    }

    /**
     * The pipeline's id of the open session: {@code user@startMillis}, with {@code .k} when starts
     * tie.
     */
    public String sessionId(String userId) {
        return userId + "@" + sessionStart + (sameStartIndex == 0 ? "" : "." + sameStartIndex);
    }

    public boolean isEmpty() {
        return session.isEmpty();
    }

    public List<Behavior> history() {
        return Collections.unmodifiableList(history);
    }

    public List<Behavior> session() {
        return Collections.unmodifiableList(session);
    }

    public String lastClientSessionId() {
        return lastClientSessionId;
    }

    public long lastEventTime() {
        return lastEventTime;
    }

    public long sessionStart() {
        return sessionStart;
    }

    public int sameStartIndex() {
        return sameStartIndex;
    }

    public Map<String, String> profile() {
        return profile;
    }
}
