package org.sdmstream.model.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.Session;

/**
 * Cuts sessions (from {@code OfflineSessionizer}) into {@link SessionExample}s. Inside a session
 * the label of click t is click t + 1. The label of the session's last click is the first click of
 * the user's next session when {@code nextSessionLabel} is on (what the stream's last vector of a
 * session should retrieve is what the user clicks next, even after a break); otherwise it has no
 * label. The label candidates of click t are the user's next {@code labelWindow} clicks (crossing
 * into later sessions only when {@code nextSessionLabel} is on): the trainer draws one of them per
 * epoch.
 */
public final class TrainingExamples {

    private TrainingExamples() {}

    public static List<SessionExample> from(
            List<Session> sessions,
            Function<String, Map<String, String>> profiles,
            boolean nextSessionLabel) {
        return from(sessions, profiles, nextSessionLabel, 1, false);
    }

    /**
     * @param tiedLabels also make every later click with the next click's event time a candidate:
     *     the order of clicks that share a timestamp is arbitrary, so each of them is equally
     *     "next"
     */
    public static List<SessionExample> from(
            List<Session> sessions,
            Function<String, Map<String, String>> profiles,
            boolean nextSessionLabel,
            int labelWindow,
            boolean tiedLabels) {
        if (labelWindow < 1) {
            throw new IllegalArgumentException("labelWindow must be >= 1, got " + labelWindow);
        }
        Map<String, List<Session>> byUser = new LinkedHashMap<>();
        for (Session s : sessions) {
            byUser.computeIfAbsent(s.userId(), u -> new ArrayList<>()).add(s);
        }
        List<SessionExample> out = new ArrayList<>(sessions.size());
        for (List<Session> userSessions : byUser.values()) {
            userSessions.sort(Comparator.comparingLong(Session::start));
            // The user's clicks in order, and where each session starts in that list.
            List<Behavior> flat = new ArrayList<>();
            int[] sessionStart = new int[userSessions.size() + 1];
            for (int i = 0; i < userSessions.size(); i++) {
                sessionStart[i] = flat.size();
                flat.addAll(userSessions.get(i).clicks());
            }
            sessionStart[userSessions.size()] = flat.size();
            for (int i = 0; i < userSessions.size(); i++) {
                Session s = userSessions.get(i);
                List<Behavior> clicks = s.clicks();
                List<String> next = new ArrayList<>(clicks.size());
                for (int j = 1; j < clicks.size(); j++) {
                    next.add(clicks.get(j).itemId());
                }
                boolean hasNext = nextSessionLabel && i + 1 < userSessions.size();
                next.add(hasNext ? userSessions.get(i + 1).clicks().get(0).itemId() : null);
                int limit = nextSessionLabel ? flat.size() : sessionStart[i + 1];
                List<List<String>> candidates = new ArrayList<>(clicks.size());
                for (int j = 0; j < clicks.size(); j++) {
                    int from = sessionStart[i] + j + 1;
                    int to = Math.min(from + labelWindow, limit);
                    while (tiedLabels
                            && to > from
                            && to < limit
                            && flat.get(to).eventTime() == flat.get(from).eventTime()) {
                        to++;
                    }
                    candidates.add(
                            flat.subList(Math.min(from, limit), to).stream()
                                    .map(Behavior::itemId)
                                    .toList());
                }
                Map<String, String> profile = profiles.apply(s.userId());
                ModelInput input =
                        new ModelInput(
                                s.userId(),
                                s.sessionId(),
                                clicks,
                                s.history(),
                                profile == null ? Map.of() : profile,
                                s.end());
                out.add(new SessionExample(input, next, candidates));
            }
        }
        return out;
    }
}
