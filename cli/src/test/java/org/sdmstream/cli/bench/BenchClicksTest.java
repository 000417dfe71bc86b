package org.sdmstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.generate.ClickGenerator;
import org.sdmstream.features.generate.GeneratorConfig;

class BenchClicksTest {

    static final GeneratorConfig SHAPE =
            GeneratorConfig.defaults().withUsers(50).withItems(100).withSeed(3);

    static List<Click> take(Iterator<Click> clicks, int n) {
        List<Click> out = new ArrayList<>();
        for (int i = 0; i < n && clicks.hasNext(); i++) {
            out.add(clicks.next());
        }
        return out;
    }

    static List<Click> log(int n) {
        List<Click> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(
                    new Click(
                            "u" + (i % 7),
                            null,
                            new Behavior("i" + i, "c", "b", "s", 1_000L * i),
                            Map.of()));
        }
        return out;
    }

    @Test
    void generatedClicksMeasureAllRequestedAndFollowThemWithATwoPercentTail() {
        BenchClicks clicks = BenchClicks.generated(SHAPE.withMaxClicks(10));
        assertThat(clicks.measured(300_000)).isEqualTo(300_000);
        assertThat(clicks.tail(300_000)).isEqualTo(6_000);
        assertThat(clicks.tail(1_000)).isEqualTo(5_000);
    }

    @Test
    void generatedClicksAreEndlessAndTheLatencyPhaseGetsOtherOnes() {
        BenchClicks clicks = BenchClicks.generated(SHAPE.withMaxClicks(10));
        List<Click> prefill = take(clicks.stream(0), 20_000);
        assertThat(prefill).hasSize(20_000); // the click limit of the shape does not apply
        assertThat(prefill.subList(0, 100))
                .isEqualTo(take(new ClickGenerator(SHAPE).iterator(), 100));
        assertThat(take(clicks.stream(1), 100)).isNotEqualTo(prefill.subList(0, 100));
        assertThat(take(clicks.stream(0), 100)).isEqualTo(prefill.subList(0, 100));
    }

    @Test
    void aLogKeepsItsLastClicksAsTheTailAndIsReplayedFromItsStartInEveryPhase() {
        BenchClicks clicks = BenchClicks.log(log(100_000), "ml");
        assertThat(clicks.tail(0)).isEqualTo(5_000);
        assertThat(clicks.measured(300_000)).isEqualTo(95_000);
        assertThat(clicks.measured(30_000)).isEqualTo(30_000);
        assertThat(take(clicks.stream(1), 3)).isEqualTo(log(3));
        assertThat(take(clicks.stream(0), 100_001)).hasSize(100_000).isEqualTo(log(100_000));
        assertThat(clicks.toString()).isEqualTo("ml (100,000 clicks)");
    }

    @Test
    void aLogInPassesIsReplayedAgainLaterWithTheSameUsersInNewSessions() {
        List<Click> log = log(100);
        log.set(3, new Click("u3", "s1", log.get(3).behavior(), Map.of("age", "2")));
        BenchClicks clicks = BenchClicks.log(log, "ml", 3);
        // the tail is the last pass's last clicks; every other click can be measured
        assertThat(clicks.tail(0)).isEqualTo(5);
        assertThat(clicks.measured(1_000)).isEqualTo(295);
        assertThat(clicks.measured(200)).isEqualTo(200);
        assertThat(clicks.toString()).isEqualTo("ml (100 clicks, 3 passes)");

        List<Click> replayed = take(clicks.stream(0), 1_000);
        assertThat(replayed).hasSize(300);
        assertThat(replayed.subList(0, 100)).isEqualTo(log);
        // each pass starts a day after the one before ended: the log spans 99 s
        long shift = 99_000L + 86_400_000L;
        for (int pass = 1; pass < 3; pass++) {
            for (int i = 0; i < 100; i++) {
                Click original = log.get(i);
                Click again = replayed.get(pass * 100 + i);
                assertThat(again.userId()).isEqualTo(original.userId());
                assertThat(again.behavior().itemId()).isEqualTo(original.behavior().itemId());
                assertThat(again.eventTime()).isEqualTo(original.eventTime() + pass * shift);
                assertThat(again.profile()).isEqualTo(original.profile());
            }
        }
        // a client's session id does not join a session of one pass to the next
        assertThat(replayed.get(3).clientSessionId()).isEqualTo("s1");
        assertThat(replayed.get(103).clientSessionId()).isEqualTo("s1#1");
        assertThat(replayed.get(203).clientSessionId()).isEqualTo("s1#2");
        assertThat(replayed.get(104).clientSessionId()).isNull();
        // in event-time order across the passes, and every phase replays all of them again
        assertThat(replayed).extracting(Click::eventTime).isSorted();
        assertThat(take(clicks.stream(1), 1_000)).isEqualTo(replayed);
    }

    @Test
    void aLogNeedsAtLeastOnePass() {
        assertThatThrownBy(() -> BenchClicks.log(log(100), "ml", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--log-passes must be at least 1, not 0");
    }

    @Test
    void aShortLogKeepsATwentiethAsItsTail() {
        BenchClicks clicks = BenchClicks.log(log(100), "small");
        assertThat(clicks.tail(0)).isEqualTo(5);
        assertThat(clicks.measured(1_000)).isEqualTo(95);
        assertThat(BenchClicks.log(log(2), "two").measured(1_000)).isEqualTo(1);
    }

    @Test
    void aLogWithFewerThanTwoClicksCannotBeMeasured() {
        assertThatThrownBy(() -> BenchClicks.log(log(1), "one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("one has 1 clicks: too few to measure");
    }
}
