package org.sdmstream.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OfflineSessionizer} and {@link UserTimeline} against a deliberately simple reading of the
 * session rules (BRIEF / {@link SessionRules}), on random logs whose gaps sit on and around the
 * session gap and the history horizon, with ties, client session ids missing / equal / different,
 * sessions past the cap, and small rule values.
 */
class SessionRulesPropertyTest {

    // ---------------------------------------------------------------- the reference, written
    // literally

    /** One reference session: indexes into the user's time-ordered clicks. */
    record RefSession(String id, int first, int last, List<Behavior> history) {}

    /**
     * Per user, sorts the user's clicks stably by time, then walks them: a click starts a session
     * if it is the user's first, if the open session already holds the cap, or if the gap to the
     * previous click is at least the session gap and its client id is missing, differs from the
     * previous click's, or the gap is longer than the horizon. A session's history: every earlier
     * click of the user at most the horizon before the session's start; the last N; oldest first.
     */
    static Map<String, List<RefSession>> reference(List<Click> log, SessionRules rules) {
        Map<String, List<Click>> byUser = new LinkedHashMap<>();
        for (Click c : log) {
            byUser.computeIfAbsent(c.userId(), u -> new ArrayList<>()).add(c);
        }
        Map<String, List<RefSession>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Click>> e : byUser.entrySet()) {
            String user = e.getKey();
            List<Click> clicks = new ArrayList<>(e.getValue());
            clicks.sort(Comparator.comparingLong(Click::eventTime)); // stable
            List<int[]> bounds = new ArrayList<>();
            for (int i = 0; i < clicks.size(); i++) {
                boolean starts;
                if (i == 0) {
                    starts = true;
                } else {
                    int[] open = bounds.get(bounds.size() - 1);
                    int openLength = i - open[0];
                    long gap = clicks.get(i).eventTime() - clicks.get(i - 1).eventTime();
                    String id = clicks.get(i).clientSessionId();
                    String previousId = clicks.get(i - 1).clientSessionId();
                    boolean idMissingOrDifferent = id == null || !id.equals(previousId);
                    boolean longerThanHorizon = gap > rules.historyHorizon().toMillis();
                    starts =
                            openLength == rules.maxSessionLength()
                                    || (gap >= rules.gap().toMillis()
                                            && (idMissingOrDifferent || longerThanHorizon));
                }
                if (starts) {
                    bounds.add(new int[] {i, i});
                } else {
                    bounds.get(bounds.size() - 1)[1] = i;
                }
            }
            List<RefSession> sessions = new ArrayList<>();
            for (int[] b : bounds) {
                long start = clicks.get(b[0]).eventTime();
                List<Behavior> all = new ArrayList<>();
                for (int j = 0; j < b[0]; j++) {
                    if (start - clicks.get(j).eventTime() <= rules.historyHorizon().toMillis()) {
                        all.add(clicks.get(j).behavior());
                    }
                }
                List<Behavior> history =
                        all.subList(Math.max(0, all.size() - rules.maxHistoryLength()), all.size());
                long sameStartBefore =
                        sessions.stream()
                                .filter(s -> clicks.get(s.first()).eventTime() == start)
                                .count();
                String id =
                        user + "@" + start + (sameStartBefore == 0 ? "" : "." + sameStartBefore);
                sessions.add(new RefSession(id, b[0], b[1], List.copyOf(history)));
            }
            out.put(user, sessions);
        }
        return out;
    }

    static List<Session> referenceSessions(List<Click> log, SessionRules rules) {
        List<Session> out = new ArrayList<>();
        Map<String, List<Click>> sorted = sortedByUser(log);
        reference(log, rules)
                .forEach(
                        (user, sessions) -> {
                            List<Click> clicks = sorted.get(user);
                            for (RefSession s : sessions) {
                                List<Behavior> behaviors =
                                        clicks.subList(s.first(), s.last() + 1).stream()
                                                .map(Click::behavior)
                                                .toList();
                                out.add(
                                        new Session(
                                                user,
                                                s.id(),
                                                clicks.get(s.first()).eventTime(),
                                                clicks.get(s.last()).eventTime(),
                                                behaviors,
                                                s.history()));
                            }
                        });
        return out;
    }

    static Map<String, List<Click>> sortedByUser(List<Click> log) {
        Map<String, List<Click>> byUser = new LinkedHashMap<>();
        for (Click c : log) {
            byUser.computeIfAbsent(c.userId(), u -> new ArrayList<>()).add(c);
        }
        byUser.values().forEach(l -> l.sort(Comparator.comparingLong(Click::eventTime)));
        return byUser;
    }

    // ---------------------------------------------------------------- properties

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void offlineSessionizerAgreesWithTheReference(long seed) {
        Scenario s = scenario(seed);
        List<Session> actual = new OfflineSessionizer(s.rules()).sessionize(s.log());
        List<Session> expected = referenceSessions(s.log(), s.rules());
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyClicksModelInputAgreesWithTheReferenceEvenAcrossStateRestores(long seed) {
        Scenario s = scenario(seed);
        Map<String, List<Click>> sorted = sortedByUser(s.log());
        Map<String, List<RefSession>> ref = reference(s.log(), s.rules());
        Random restoreAt = new Random(s.seed());
        for (Map.Entry<String, List<Click>> e : sorted.entrySet()) {
            String user = e.getKey();
            List<Click> clicks = e.getValue();
            UserTimeline timeline = new UserTimeline();
            int sessionIndex = -1;
            for (int i = 0; i < clicks.size(); i++) {
                if (restoreAt.nextInt(4) == 0) {
                    timeline = snapshotAndRestore(timeline);
                }
                List<RefSession> sessions = ref.get(user);
                boolean startsHere =
                        sessionIndex + 1 < sessions.size()
                                && sessions.get(sessionIndex + 1).first() == i;
                if (i > 0 && timeline.expiredAt(clicks.get(i).eventTime(), s.rules())) {
                    // The stream frees an expired user's state: that must lose nothing.
                    assertThat(startsHere)
                            .as("expired state, yet click %d continues a session", i)
                            .isTrue();
                    assertThat(sessions.get(sessionIndex + 1).history()).isEmpty();
                }
                UserTimeline.Step step = timeline.accept(user, clicks.get(i), s.rules());
                assertThat(step.startedSession())
                        .as("click %d of %s starts a session", i, user)
                        .isEqualTo(startsHere);
                if (startsHere) {
                    sessionIndex++;
                }
                RefSession expected = sessions.get(sessionIndex);
                ModelInput input = timeline.modelInput(user);
                assertThat(input.sessionId()).isEqualTo(expected.id());
                assertThat(input.session())
                        .containsExactlyElementsOf(
                                clicks.subList(expected.first(), i + 1).stream()
                                        .map(Click::behavior)
                                        .toList());
                assertThat(input.history()).containsExactlyElementsOf(expected.history());
                assertThat(input.eventTime()).isEqualTo(clicks.get(i).eventTime());
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sessionsPartitionEachUsersClicksWithinTheLimitsAndWithDistinctIds(long seed) {
        Scenario s = scenario(seed);
        List<Session> sessions = new OfflineSessionizer(s.rules()).sessionize(s.log());
        Map<String, List<Behavior>> replayed = new LinkedHashMap<>();
        Map<String, Set<String>> ids = new HashMap<>();
        for (Session session : sessions) {
            assertThat(session.length()).isBetween(1, s.rules().maxSessionLength());
            assertThat(session.history().size()).isLessThanOrEqualTo(s.rules().maxHistoryLength());
            assertThat(session.start()).isEqualTo(session.clicks().get(0).eventTime());
            assertThat(session.end())
                    .isEqualTo(session.clicks().get(session.length() - 1).eventTime());
            for (Behavior h : session.history()) {
                assertThat(h.eventTime())
                        .isBetween(
                                session.start() - s.rules().historyHorizonMillis(),
                                session.start());
            }
            assertThat(
                            ids.computeIfAbsent(session.userId(), u -> new HashSet<>())
                                    .add(session.sessionId()))
                    .as("session id %s is unique", session.sessionId())
                    .isTrue();
            replayed.computeIfAbsent(session.userId(), u -> new ArrayList<>())
                    .addAll(session.clicks());
        }
        Map<String, List<Behavior>> expected = new LinkedHashMap<>();
        sortedByUser(s.log())
                .forEach((u, cs) -> expected.put(u, cs.stream().map(Click::behavior).toList()));
        assertThat(replayed).containsExactlyEntriesOf(expected);
    }

    /**
     * What the Flink job does with keyed state: take the fields out, build a new timeline from
     * them.
     */
    static UserTimeline snapshotAndRestore(UserTimeline t) {
        return new UserTimeline(
                new ArrayList<>(t.history()),
                new ArrayList<>(t.session()),
                t.lastClientSessionId(),
                t.lastEventTime(),
                t.sessionStart(),
                t.sameStartIndex(),
                new HashMap<>(t.profile()));
    }

    // ---------------------------------------------------------------- generators

    /** Rules and a log; {@code seed} drives shuffling and state restores. */
    record Scenario(SessionRules rules, List<Click> log, long seed) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(rules.toString()).append(" seed=").append(seed);
            for (Click c : log) {
                s.append("\n  ")
                        .append(c.userId())
                        .append(' ')
                        .append(c.eventTime())
                        .append(' ')
                        .append(c.clientSessionId())
                        .append(' ')
                        .append(c.behavior().itemId());
            }
            return s.toString();
        }
    }

    /**
     * A run of one user's clicks: how it is separated from the user's previous click, then its
     * inner gaps.
     */
    record Segment(
            int user,
            int leadGap,
            List<Integer> innerGaps,
            int idMode,
            List<Integer> ids,
            long noise) {}

    /** Seeds of the random scenarios; a failure names its seed, and the scenario prints in full. */
    static LongStream seeds() {
        return LongStream.range(0, 400).map(i -> 0x9E3779B97F4A7C15L * (i + 1));
    }

    /** A random scenario, a pure function of its seed. */
    static Scenario scenario(long seed) {
        Random random = new Random(seed);
        SessionRules rules = rules(random);
        int segments = 1 + random.nextInt(8);
        List<Segment> list = new ArrayList<>();
        for (int i = 0; i < segments; i++) {
            list.add(segment(random));
        }
        return new Scenario(
                rules, build(rules, list, random.nextLong(), random.nextBoolean()), seed);
    }

    static SessionRules rules(Random random) {
        int pick = random.nextInt(7);
        if (pick < 3) {
            return SessionRules.DEFAULT;
        }
        if (pick == 3) {
            return new SessionRules(Duration.ofMinutes(10), 3, Duration.ofDays(7), 2);
        }
        // Horizons equal to the gap, a little longer, and a week; gaps of 10 and 1 minutes.
        Duration gap = random.nextBoolean() ? Duration.ofMinutes(10) : Duration.ofMinutes(1);
        Duration[] overGap = {Duration.ZERO, Duration.ofMinutes(15), Duration.ofDays(7)};
        return new SessionRules(
                gap,
                1 + random.nextInt(5),
                gap.plus(overGap[random.nextInt(3)]),
                random.nextInt(4));
    }

    static Segment segment(Random random) {
        // Mostly short runs, some past the 50 cap.
        int n = random.nextInt(5) < 4 ? 1 + random.nextInt(8) : 45 + random.nextInt(76);
        // Inner gap kinds weighted towards ties, just-inside and random in-session gaps.
        int[] innerKinds = {0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 4, 8};
        List<Integer> innerGaps = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            innerGaps.add(innerKinds[random.nextInt(innerKinds.length)]);
            ids.add(random.nextInt(4));
        }
        return new Segment(
                random.nextInt(3),
                random.nextInt(11),
                innerGaps,
                random.nextInt(3),
                ids,
                random.nextLong());
    }

    /**
     * Gap kinds: on and around the session gap and the horizon, ties, and random values between.
     */
    static long gap(int kind, SessionRules rules, Random random) {
        long gap = rules.gapMillis();
        long horizon = rules.historyHorizonMillis();
        return switch (kind) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> 2 + (long) (random.nextDouble() * (gap - 4));
            case 3 -> gap - 1;
            case 4 -> gap;
            case 5 -> gap + 1;
            case 6 -> gap + (long) (random.nextDouble() * (horizon - gap));
            case 7 -> horizon - 1;
            case 8 -> horizon;
            case 9 -> horizon + 1;
            default -> horizon + 1 + (long) (random.nextDouble() * 2 * horizon);
        };
    }

    static List<Click> build(
            SessionRules rules, List<Segment> segments, long seed, boolean shuffle) {
        Map<Integer, Long> clock = new HashMap<>();
        List<Click> log = new ArrayList<>();
        int item = 0;
        for (Segment seg : segments) {
            Random random = new Random(seg.noise());
            String fixedId = "s" + seg.ids().get(0);
            for (int i = 0; i < seg.innerGaps().size(); i++) {
                int kind = i == 0 ? seg.leadGap() : seg.innerGaps().get(i);
                long base = 1_700_000_000_000L + seg.user() * 7L;
                long time =
                        clock.containsKey(seg.user())
                                ? clock.get(seg.user()) + gap(kind, rules, random)
                                : base;
                clock.put(seg.user(), time);
                String id =
                        switch (seg.idMode()) {
                            case 0 -> null;
                            case 1 -> fixedId;
                            default -> seg.ids().get(i) == 0 ? null : "s" + seg.ids().get(i);
                        };
                // Unique items make any misordering visible; side features ride along to check they
                // are kept.
                Behavior b =
                        new Behavior(
                                "i" + item,
                                "c" + (item % 3),
                                item % 2 == 0 ? "b" : null,
                                null,
                                time);
                item++;
                log.add(new Click("u" + seg.user(), id, b));
            }
        }
        if (shuffle) {
            Collections.shuffle(log, new Random(seed));
        }
        return log;
    }
}
