package org.sdmstream.features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Applies the session rules to a whole click log, as the stream would have: per user, clicks in
 * event-time order with ties in log order, through the same {@link UserTimeline}. Used by {@code
 * sdm sessions}, by training-sample generation and by evaluation.
 */
public final class OfflineSessionizer {

    private final SessionRules rules;

    public OfflineSessionizer(SessionRules rules) {
        this.rules = rules;
    }

    /**
     * All sessions of all users, users in order of first appearance, each user's sessions in time
     * order.
     */
    public List<Session> sessionize(Iterable<Click> clicks) {
        List<Session> out = new ArrayList<>();
        sessionize(clicks, out::add);
        return out;
    }

    /** Streams the sessions to {@code sink}, user by user. */
    public void sessionize(Iterable<Click> clicks, Consumer<Session> sink) {
        for (Map.Entry<String, List<Click>> user : byUserInTimeOrder(clicks).entrySet()) {
            replayUser(user.getKey(), user.getValue(), sink);
        }
    }

    /**
     * Replays one user's clicks (already in event-time order) and emits each session as it closes.
     */
    public void replayUser(String userId, List<Click> clicksInOrder, Consumer<Session> sink) {
        UserTimeline timeline = new UserTimeline();
        for (Click click : clicksInOrder) {
            UserTimeline.Step step = timeline.accept(userId, click, rules);
            if (step.closedSession() != null) {
                sink.accept(step.closedSession());
            }
        }
        if (!timeline.isEmpty()) {
            sink.accept(timeline.closeOpenSession(userId));
        }
    }

    /**
     * Groups clicks by user (first-appearance order) and stable-sorts each user's clicks by event
     * time.
     */
    public static Map<String, List<Click>> byUserInTimeOrder(Iterable<Click> clicks) {
        Map<String, List<Click>> byUser = new LinkedHashMap<>();
        for (Click c : clicks) {
            byUser.computeIfAbsent(c.userId(), u -> new ArrayList<>()).add(c);
        }
        // List.sort is stable: ties keep log (arrival) order.
        byUser.values().forEach(l -> l.sort(Comparator.comparingLong(Click::eventTime)));
        return byUser;
    }

    public SessionRules rules() {
        return rules;
    }
}
