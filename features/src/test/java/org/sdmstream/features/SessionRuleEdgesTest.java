package org.sdmstream.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each session rule at its edge, through {@link OfflineSessionizer} and {@link UserTimeline}. */
class SessionRuleEdgesTest {

    static final long T0 = 1_700_000_000_000L;
    static final long MIN = 60_000L;
    static final long DAY = 86_400_000L;
    static final long GAP = 10 * MIN;
    static final long WEEK = 7 * DAY;

    private final OfflineSessionizer sessionizer = new OfflineSessionizer(SessionRules.DEFAULT);
    private int item;

    private Click click(String user, long time, String sessionId) {
        return new Click(user, sessionId, new Behavior("i" + item++, "c", "b", "s", time));
    }

    private List<Integer> lengths(List<Click> log) {
        return sessionizer.sessionize(log).stream().map(Session::length).toList();
    }

    @Test
    void aGapOfExactlyTenMinutesStartsASessionAndOneMillisecondLessDoesNot() {
        assertThat(lengths(List.of(click("u", T0, null), click("u", T0 + GAP, null))))
                .containsExactly(1, 1);
        assertThat(lengths(List.of(click("u", T0, null), click("u", T0 + GAP - 1, null))))
                .containsExactly(2);
    }

    @Test
    void aTenMinuteGapSplitsUnlessBothClicksCarryTheSameId() {
        assertThat(lengths(List.of(click("u", T0, "a"), click("u", T0 + GAP, "a"))))
                .containsExactly(2);
        assertThat(lengths(List.of(click("u", T0, "a"), click("u", T0 + GAP, "b"))))
                .containsExactly(1, 1);
        assertThat(lengths(List.of(click("u", T0, "a"), click("u", T0 + GAP, null))))
                .containsExactly(1, 1);
        assertThat(lengths(List.of(click("u", T0, null), click("u", T0 + GAP, "a"))))
                .containsExactly(1, 1);
    }

    @Test
    void theSameIdKeepsASessionTogetherAcrossExactlySevenDaysButNotOneMillisecondMore() {
        assertThat(lengths(List.of(click("u", T0, "a"), click("u", T0 + WEEK, "a"))))
                .containsExactly(2);
        assertThat(lengths(List.of(click("u", T0, "a"), click("u", T0 + WEEK + 1, "a"))))
                .containsExactly(1, 1);
    }

    @Test
    void theSameIdOverALongGapUnderTheHorizonStaysOneSession() {
        List<Session> s =
                sessionizer.sessionize(
                        List.of(
                                click("u", T0, "a"),
                                click("u", T0 + 3 * DAY, "a"),
                                click("u", T0 + 6 * DAY, "a")));
        assertThat(s)
                .singleElement()
                .satisfies(
                        session -> {
                            assertThat(session.start()).isEqualTo(T0);
                            assertThat(session.end()).isEqualTo(T0 + 6 * DAY);
                        });
    }

    @Test
    void differentIdsWithinTenMinutesMerge() {
        assertThat(
                        lengths(
                                List.of(
                                        click("u", T0, "a"),
                                        click("u", T0 + GAP - 1, "b"),
                                        click("u", T0 + 2 * GAP - 2, null))))
                .containsExactly(3);
    }

    @Test
    void theFiftyCapCutsSessionsAndTheirSameMillisecondStartsGetDistinctIds() {
        List<Click> log = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            log.add(click("u", T0, "a"));
        }
        List<Session> sessions = sessionizer.sessionize(log);
        assertThat(sessions).extracting(Session::length).containsExactly(50, 50, 20);
        assertThat(sessions)
                .extracting(Session::sessionId)
                .containsExactly("u@" + T0, "u@" + T0 + ".1", "u@" + T0 + ".2");
        // Clicks of the same millisecond before the session's first one are history; the newest 20,
        // oldest first.
        assertThat(sessions.get(1).history())
                .containsExactlyElementsOf(sessions.get(0).clicks().subList(30, 50));
        assertThat(sessions.get(2).history())
                .containsExactlyElementsOf(sessions.get(1).clicks().subList(30, 50));
    }

    @Test
    void aCapCutWithinOneClientSessionStartsAFreshIdSequenceWhenTheStartMoves() {
        List<Click> log = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            log.add(click("u", T0 + i, "a"));
        }
        List<Session> sessions = sessionizer.sessionize(log);
        assertThat(sessions)
                .extracting(Session::sessionId)
                .containsExactly("u@" + T0, "u@" + (T0 + 50));
    }

    @Test
    void historyHoldsClicksAtMostSevenDaysBeforeTheStartTheNewestTwentyOldestFirst() {
        List<Click> log = new ArrayList<>();
        Click tooOld = click("u", T0, null);
        Click exactlyAWeek = click("u", T0 + GAP, null);
        log.add(tooOld);
        log.add(exactlyAWeek);
        long start = T0 + GAP + WEEK;
        assertThat(
                        sessionizer
                                .sessionize(List.of(tooOld, exactlyAWeek, click("u", start, null)))
                                .get(2)
                                .history())
                .containsExactly(exactlyAWeek.behavior());

        for (int i = 0; i < 30; i++) {
            log.add(click("u", T0 + DAY + i * GAP, null)); // 30 one-click sessions
        }
        Click last = click("u", start, null);
        log.add(last);
        Session lastSession = sessionizer.sessionize(log).get(log.size() - 1);
        List<Behavior> expected =
                log.subList(log.size() - 21, log.size() - 1).stream().map(Click::behavior).toList();
        assertThat(lastSession.history()).containsExactlyElementsOf(expected);
        assertThat(lastSession.history().get(0).categoryId()).isEqualTo("c");
    }

    @Test
    void theFirstSessionHasNoHistoryAndAGapOverTheHorizonEmptiesIt() {
        List<Session> s =
                sessionizer.sessionize(
                        List.of(
                                click("u", T0, null),
                                click("u", T0 + GAP, null),
                                click("u", T0 + GAP + WEEK + 1, null)));
        assertThat(s.get(0).history()).isEmpty();
        assertThat(s.get(1).history()).hasSize(1);
        assertThat(s.get(2).history()).isEmpty();
    }

    @Test
    void usersComeInFirstAppearanceOrderAndTiesKeepLogOrder() {
        Click b1 = click("b", T0 + 5, null);
        Click a1 = click("a", T0 + 9, null);
        Click a2 = click("a", T0, null);
        Click a3 = click("a", T0, null);
        List<Session> s = sessionizer.sessionize(List.of(b1, a1, a2, a3));
        assertThat(s).extracting(Session::userId).containsExactly("b", "a");
        assertThat(s.get(1).clicks()).containsExactly(a2.behavior(), a3.behavior(), a1.behavior());
    }

    @Test
    void aTimelineRefusesClicksOutOfEventTimeOrder() {
        UserTimeline t = new UserTimeline();
        t.accept("u", click("u", T0, null), SessionRules.DEFAULT);
        assertThatThrownBy(() -> t.accept("u", click("u", T0 - 1, null), SessionRules.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event-time order");
    }

    @Test
    void theModelInputCarriesTheLatestProfileAndTheSessionSoFar() {
        UserTimeline t = new UserTimeline();
        t.accept(
                "u",
                new Click("u", null, Behavior.ofItem("x", T0), Map.of("age", "20-29")),
                SessionRules.DEFAULT);
        t.accept("u", new Click("u", null, Behavior.ofItem("y", T0 + 1)), SessionRules.DEFAULT);
        ModelInput in = t.modelInput("u");
        assertThat(in.profile()).containsEntry("age", "20-29");
        assertThat(in.position()).isEqualTo(2);
        assertThat(in.lastClick().itemId()).isEqualTo("y");
        assertThat(in.sessionId()).isEqualTo("u@" + T0);
    }

    @Test
    void rulesRejectNonsense() {
        assertThatThrownBy(() -> new SessionRules(Duration.ZERO, 50, Duration.ofDays(7), 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> new SessionRules(Duration.ofMinutes(10), 0, Duration.ofDays(7), 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                new SessionRules(
                                        Duration.ofMinutes(10), 50, Duration.ofMinutes(5), 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> new SessionRules(Duration.ofMinutes(10), 50, Duration.ofDays(7), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
