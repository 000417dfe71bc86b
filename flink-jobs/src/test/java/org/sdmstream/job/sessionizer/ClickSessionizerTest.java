package org.sdmstream.job.sessionizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.job.TestClicks.DAY;
import static org.sdmstream.job.TestClicks.MINUTE;
import static org.sdmstream.job.TestClicks.T0;
import static org.sdmstream.job.TestClicks.click;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.OperatorMetrics;
import org.sdmstream.job.TestClicks;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/**
 * The sessionizer on Flink's keyed operator harness, with RocksDB state (so the hand-written
 * serializers are used).
 */
class ClickSessionizerTest extends SessionizerHarnesses {

    static final SessionRules RULES = SessionRules.DEFAULT;
    static final SessionizerSettings SETTINGS =
            new SessionizerSettings(
                    RULES,
                    Duration.ofMinutes(1),
                    500,
                    Duration.ofDays(8),
                    Duration.ofHours(1),
                    "clicks");

    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures> harness(
            OperatorSubtaskState restore) throws Exception {
        return harness(restore, SETTINGS, new EmbeddedRocksDBStateBackend());
    }

    static List<String> items(List<BehaviorRecord> records) {
        return records.stream().map(BehaviorRecord::getItemId).collect(Collectors.toList());
    }

    static List<ModelInput> modelInputs(List<SessionFeatures> out) {
        return out.stream().map(FeatureRecords::toModelInput).collect(Collectors.toList());
    }

    @Test
    void outOfOrderClicksAreAppliedInEventTimeOrderOnceTheWatermarkPasses() throws Exception {
        var h = harness(null);
        send(
                h,
                click("u", "c", T0 + 3000),
                click("u", "a", T0 + 1000),
                click("u", "b", T0 + 2000),
                click("u", "b2", T0 + 2000));
        assertThat(h.extractOutputValues()).as("all ahead of the watermark: buffered").isEmpty();

        h.processWatermark(T0 + 2000);
        List<SessionFeatures> out = h.extractOutputValues();
        assertThat(out)
                .extracting(f -> f.getEventTime().toEpochMilli())
                .containsExactly(T0 + 1000, T0 + 2000, T0 + 2000);
        assertThat(items(out.get(2).getSessionClicks()))
                .as("ties keep arrival order")
                .containsExactly("a", "b", "b2");
        assertThat(out).extracting(SessionFeatures::getPosition).containsExactly(1, 2, 3);

        h.processWatermark(T0 + 5000);
        out = h.extractOutputValues();
        assertThat(out).hasSize(4);
        assertThat(items(out.get(3).getSessionClicks())).containsExactly("a", "b", "b2", "c");
        assertThat(out).extracting(SessionFeatures::getSessionId).containsOnly("u@" + (T0 + 1000));
        assertThat(out.get(3).getProfile()).containsEntry("age", "25-34");
    }

    @Test
    void aUsersBufferKeepsOneEventTimeTimerAtItsFirstClick() throws Exception {
        var h = harness(null);
        send(
                h,
                click("u", "b", T0 + 2000),
                click("u", "c", T0 + 3000),
                click("u", "a", T0 + 1000),
                click("u", "d", T0 + 4000));
        assertThat(h.numEventTimeTimers()).as("b's, then a's as it came first").isEqualTo(2);

        h.processWatermark(T0 + 2500);
        assertThat(h.extractOutputValues()).hasSize(2);
        assertThat(h.numEventTimeTimers()).as("c's, set as a's fired, and the expiry").isEqualTo(2);
        h.processWatermark(T0 + 3500);
        assertThat(h.extractOutputValues()).as("c, as the watermark passes it").hasSize(3);

        h.processWatermark(T0 + 10_000);
        List<SessionFeatures> out = h.extractOutputValues();
        assertThat(items(out.get(3).getSessionClicks())).containsExactly("a", "b", "c", "d");
        assertThat(h.numEventTimeTimers()).as("only the expiry").isEqualTo(1);
    }

    @Test
    void clickBehindTheWatermarkButInOrderForTheUserIsAppliedAtOnce() throws Exception {
        var h = harness(null);
        send(h, click("u", "a", T0));
        h.processWatermark(T0 + 10_000);
        send(
                h,
                click(
                        "u",
                        "b",
                        T0 + 5_000)); // behind the watermark, within allowed lateness, after "a"
        assertThat(h.extractOutputValues())
                .extracting(SessionFeatures::getPosition)
                .containsExactly(1, 2);
        assertThat(h.getSideOutput(ClickSessionizer.LATE_CLICKS)).isNull();
    }

    @Test
    void sessionIsCutAtFiftyClicksAndTheNextStartsWithTheMostRecentTwentyAsHistory()
            throws Exception {
        var h = harness(null);
        for (int i = 0; i < 120; i++) {
            send(h, click("u", "i" + i, T0 + i * 1000L));
        }
        h.processWatermark(T0 + 200_000);
        List<SessionFeatures> out = h.extractOutputValues();
        assertThat(out).hasSize(120);
        assertThat(out.get(49).getPosition()).isEqualTo(50);
        assertThat(out.get(50).getPosition()).isEqualTo(1);
        assertThat(out.get(100).getPosition()).isEqualTo(1);
        assertThat(out.get(119).getPosition()).isEqualTo(20);
        assertThat(out.stream().map(SessionFeatures::getSessionId).distinct())
                .containsExactly("u@" + T0, "u@" + (T0 + 50_000), "u@" + (T0 + 100_000));
        assertThat(items(out.get(50).getHistory())).hasSize(20).first().isEqualTo("i30");
        assertThat(items(out.get(119).getHistory())).hasSize(20).first().isEqualTo("i80");
        assertThat(items(out.get(119).getHistory())).last().isEqualTo("i99");
    }

    @Test
    void
            sameClientSessionIdKeepsASessionTogetherAcrossALongGapAndDifferentIdsWithinTenMinutesMerge()
                    throws Exception {
        var h = harness(null);
        send(
                h,
                click("u", "a", T0, "s1"),
                click("u", "b", T0 + 3 * 60 * MINUTE, "s1"), // 3 h later, same id: same session
                click(
                        "u",
                        "c",
                        T0 + 3 * 60 * MINUTE + 5 * MINUTE,
                        "s2"), // 5 min later, other id: merges
                click(
                        "u",
                        "d",
                        T0 + 3 * 60 * MINUTE + 20 * MINUTE,
                        "s2"), // 15 min later, same id: same session
                click(
                        "u",
                        "e",
                        T0 + 3 * 60 * MINUTE + 40 * MINUTE,
                        "s3"), // 20 min later, other id: new session
                click("v", "x", T0, null),
                click("v", "y", T0 + 10 * MINUTE, null)); // exactly the gap, no id: new session
        h.processWatermark(T0 + DAY);
        List<SessionFeatures> out = h.extractOutputValues();
        List<SessionFeatures> u = out.stream().filter(f -> f.getUserId().equals("u")).toList();
        assertThat(u).extracting(SessionFeatures::getPosition).containsExactly(1, 2, 3, 4, 1);
        assertThat(items(u.get(4).getHistory())).containsExactly("a", "b", "c", "d");
        List<SessionFeatures> v = out.stream().filter(f -> f.getUserId().equals("v")).toList();
        assertThat(v).extracting(SessionFeatures::getPosition).containsExactly(1, 1);
    }

    @Test
    void historyKeepsClicksAtMostSevenDaysBeforeTheSessionStart() throws Exception {
        var h = harness(null);
        long week = 7 * DAY;
        send(
                h,
                click("u", "old", T0),
                click("u", "s", T0 + week), // exactly 7 days after "old": "old" is in the history
                click("w", "old", T0),
                click(
                        "w",
                        "s",
                        T0 + week + 1)); // 7 days + 1 ms: "old" is out (and the state had expired)
        h.processWatermark(T0 + week + DAY);
        List<SessionFeatures> out = h.extractOutputValues();
        SessionFeatures u =
                out.stream()
                        .filter(
                                f ->
                                        f.getUserId().equals("u")
                                                && f.getSessionClicks()
                                                        .get(0)
                                                        .getItemId()
                                                        .equals("s"))
                        .findFirst()
                        .orElseThrow();
        assertThat(items(u.getHistory())).containsExactly("old");
        SessionFeatures w =
                out.stream()
                        .filter(
                                f ->
                                        f.getUserId().equals("w")
                                                && f.getPosition() == 1
                                                && f.getSessionClicks()
                                                        .get(0)
                                                        .getItemId()
                                                        .equals("s"))
                        .findFirst()
                        .orElseThrow();
        assertThat(w.getHistory()).isEmpty();
    }

    @Test
    void lateClicksGoToTheSideOutputNeverToTheSessions() throws Exception {
        var h = harness(null);
        send(h, click("u", "a", T0 + 10 * MINUTE));
        h.processWatermark(T0 + 10 * MINUTE);
        send(
                h,
                click(
                        "u",
                        "older-than-last",
                        T0 + 9 * MINUTE + 30_000)); // within lateness, but before "a"
        h.processWatermark(T0 + 30 * MINUTE);
        send(
                h,
                click(
                        "new-user",
                        "way-behind",
                        T0 + 20 * MINUTE)); // 10 min behind the watermark > 1 min
        assertThat(h.extractOutputValues())
                .extracting(f -> f.getSessionClicks().get(0).getItemId())
                .containsExactly("a");
        assertThat(h.getSideOutput(ClickSessionizer.LATE_CLICKS))
                .extracting(r -> r.getValue().getItemId())
                .containsExactly("older-than-last", "way-behind");
    }

    @Test
    void aBacklogBeyondThePendingCapSpillsAndEveryClickIsAppliedInEventTimeOrderUnderTheDefaults()
            throws Exception {
        // After a restore the watermark starts over: a heavy user's backlog waits far beyond the
        // default cap (1000).
        var h =
                harness(
                        null,
                        SessionizerSettings.defaults("clicks"),
                        new EmbeddedRocksDBStateBackend());
        Random random = new Random(3);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            long time =
                    T0
                            + i * 180L
                            + (i % 7 == 3 ? -180 : 0); // a tie now and then, across the cap too
            clicks.add(
                    click("heavy", "i" + random.nextInt(300), time, i % 500 < 250 ? "sdk" : null));
        }
        clicks.add(click("light", "x", T0 + 5));
        List<ClickEvent> arrival = TestClicks.arrivalOrder(clicks, random);
        send(h, arrival.subList(0, 2500).toArray(ClickEvent[]::new));
        h.processWatermark(T0 + 1000 * 180L); // releases part of the buffer and part of the spill
        long released = h.extractOutputValues().size();
        send(h, arrival.subList(2500, arrival.size()).toArray(ClickEvent[]::new));
        h.processWatermark(Long.MAX_VALUE);

        assertThat(h.getSideOutput(ClickSessionizer.DEAD_LETTERS)).as("no click refused").isNull();
        assertThat(h.getSideOutput(ClickSessionizer.LATE_CLICKS)).isNull();
        assertThat(released).isBetween(900L, 1100L);
        assertThat(byUserInOrder(modelInputs(h.extractOutputValues())))
                .isEqualTo(
                        byUserInOrder(
                                TestClicks.offlineModelInputs(
                                        arrival, RULES))); // ties in arrival order
    }

    @Test
    void aBoundedWaitReleasesTheSpillWithTheBufferInEventTimeOrderAndFreesBoth() throws Exception {
        // Heap state here: only it can count entries.
        SessionizerSettings capThree =
                new SessionizerSettings(
                        RULES,
                        Duration.ofMinutes(1),
                        3,
                        Duration.ofDays(8),
                        Duration.ofHours(1),
                        "clicks",
                        Duration.ofSeconds(1));
        var h = harness(null, capThree, new HashMapStateBackend());
        List<ClickEvent> clicks =
                List.of(
                        click("u", "d", T0 + 4000),
                        click("u", "a", T0 + 1000),
                        click("u", "c", T0 + 3000),
                        click("u", "b", T0 + 2000),
                        click("u", "c2", T0 + 3000),
                        click("u", "a2", T0 + 1000),
                        click("u", "e", T0 + 5000));
        send(h, clicks.toArray(ClickEvent[]::new));
        assertThat(h.numKeyedStateEntries())
                .as("the spill and its count (the buffer waits on the heap until a checkpoint)")
                .isEqualTo(2);
        h.setProcessingTime(h.getProcessingTime() + 2000);

        assertThat(h.extractOutputValues())
                .extracting(
                        f -> f.getSessionClicks().get(f.getSessionClicks().size() - 1).getItemId())
                .containsExactly("a", "a2", "b", "c", "c2", "d", "e");
        assertThat(h.getSideOutput(ClickSessionizer.DEAD_LETTERS)).isNull();
        assertThat(h.numKeyedStateEntries()).as("only the timeline is left").isEqualTo(1);

        // Buffer and spill both drained: the next click waits on the heap, its user remembered as
        // having nothing in state, and follows the others.
        send(h, click("u", "f", T0 + 6000));
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.setProcessingTime(h.getProcessingTime() + 2000);
        assertThat(h.extractOutputValues())
                .extracting(SessionFeatures::getPosition)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void stateIsFreedOnceEventTimePassesLastClickPlusHorizonAndLateness() throws Exception {
        // Heap state here: only it can count entries; RocksDB runs the same code in the other
        // tests.
        var h = harness(null, SETTINGS, new HashMapStateBackend());
        send(h, click("u", "a", T0), click("u", "b", T0 + MINUTE));
        h.processWatermark(T0 + 2 * MINUTE);
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.processWatermark(
                T0 + MINUTE + 7 * DAY + MINUTE); // exactly last + horizon + lateness: not yet
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.processWatermark(
                T0
                        + MINUTE
                        + 7 * DAY
                        + MINUTE
                        + 2 * 60 * MINUTE); // past the (hour-rounded) expiry timer
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();

        send(h, click("u", "c", T0 + 8 * DAY + 3 * 60 * MINUTE));
        h.processWatermark(T0 + 9 * DAY);
        SessionFeatures last = h.extractOutputValues().get(2);
        assertThat(last.getPosition()).isEqualTo(1);
        assertThat(last.getHistory()).isEmpty();
    }

    @Test
    void aReplayAfterAnOutageLongerThanADayKeepsEveryHistoryThatIsValidInEventTime()
            throws Exception {
        // The job's default configuration; the TTL clock is processing time, and it runs on through
        // an outage.
        var h =
                harness(
                        null,
                        JobConfig.defaults().sessionizerSettings(),
                        new EmbeddedRocksDBStateBackend());
        List<ClickEvent> clicks =
                List.of(
                        click("u", "a", T0),
                        click("u", "b", T0 + MINUTE),
                        click("u", "c", T0 + 6 * DAY));
        h.setStateTtlProcessingTime(T0);
        send(h, clicks.get(0), clicks.get(1));
        h.processWatermark(T0 + 2 * MINUTE);
        // Down for two days: the click made six days later is replayed eight days and an hour after
        // a and b were written.
        h.setStateTtlProcessingTime(T0 + 8 * DAY + 60 * MINUTE);
        send(h, clicks.get(2));
        h.processWatermark(T0 + 6 * DAY + MINUTE);

        List<SessionFeatures> out = h.extractOutputValues();
        assertThat(modelInputs(out)).isEqualTo(TestClicks.offlineModelInputs(clicks, RULES));
        assertThat(items(out.get(2).getHistory()))
                .as("six days back: within the 7-day horizon")
                .containsExactly("a", "b");
    }

    @Test
    void restoreFromASnapshotContinuesExactlyAsAnUninterruptedRun() throws Exception {
        Random random = new Random(7);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String user = "u" + random.nextInt(5);
            long time =
                    T0
                            + i * 20_000L
                            + random.nextInt(4000); // a little disorder, sometimes a > 10 min gap
            if (random.nextInt(40) == 0) {
                time += 30 * MINUTE;
            }
            clicks.add(
                    click(
                            user,
                            "i" + random.nextInt(50),
                            time,
                            random.nextBoolean() ? "sdk" : null));
        }
        clicks.sort(Comparator.comparing(c -> c.getEventTime().toEpochMilli()));
        // Arrival order: shuffle within small windows so clicks overtake each other.
        for (int i = 0; i + 3 < clicks.size(); i += 3) {
            if (clicks.get(i + 2).getEventTime().toEpochMilli()
                            - clicks.get(i).getEventTime().toEpochMilli()
                    < 60_000) {
                java.util.Collections.swap(clicks, i, i + 2);
            }
        }

        var first = harness(null);
        List<SessionFeatures> out = new ArrayList<>();
        OperatorSubtaskState snapshot = null;
        long maxSeen = Long.MIN_VALUE;
        for (int i = 0; i < clicks.size(); i++) {
            if (i == 200) {
                out.addAll(first.extractOutputValues());
                snapshot = first.snapshot(1L, 0L);
                closeNow(first);
                first = harness(snapshot); // a fresh operator instance, state restored from the
                // snapshot
            }
            ClickEvent c = clicks.get(i);
            send(first, c);
            maxSeen = Math.max(maxSeen, c.getEventTime().toEpochMilli());
            first.processWatermark(maxSeen - 60_000); // out-of-orderness 60 s > any swap
        }
        first.processWatermark(Long.MAX_VALUE);
        out.addAll(first.extractOutputValues());

        assertThat(first.getSideOutput(ClickSessionizer.LATE_CLICKS)).isNull();
        List<ModelInput> expected = TestClicks.offlineModelInputs(clicks, RULES);
        assertThat(byUserInOrder(modelInputs(out))).isEqualTo(byUserInOrder(expected));
        assertThat(out).hasSize(400);
    }

    @Test
    void afterARestoreTheWatermarkStartsOverButAClickOlderThanTheRestoredLastClickIsStillLate()
            throws Exception {
        var first = harness(null);
        send(first, click("u", "a", T0), click("u", "b", T0 + MINUTE));
        first.processWatermark(T0 + 2 * MINUTE);
        OperatorSubtaskState snapshot = first.snapshot(1L, 0L);

        var second = harness(snapshot);
        // No watermark yet after the restore: both clicks look "ahead" and wait in the buffer.
        send(second, click("u", "older", T0 + 30_000), click("u", "c", T0 + 2 * MINUTE));
        second.processWatermark(T0 + 3 * MINUTE);
        assertThat(second.getSideOutput(ClickSessionizer.LATE_CLICKS))
                .extracting(r -> r.getValue().getItemId())
                .containsExactly("older");
        List<SessionFeatures> out = second.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(items(out.get(0).getSessionClicks())).containsExactly("a", "b", "c");
    }

    @Test
    void metricsCountClicksSessionsLateClicksSpilledClicksAndPendingSize() throws Exception {
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        InterceptingTaskMetricGroup task = OperatorMetrics.taskGivingEveryOperator(metrics);
        SessionizerSettings capTwo =
                new SessionizerSettings(
                        RULES,
                        Duration.ofMinutes(1),
                        2,
                        Duration.ofDays(8),
                        Duration.ofHours(1),
                        "clicks");
        var h =
                new KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures>(
                        new KeyedProcessOperator<>(new ClickSessionizer(capTwo)),
                        ClickEvent::getUserId,
                        Types.STRING,
                        new MockEnvironmentBuilder()
                                .setMetricGroup(task)
                                .setManagedMemorySize(64 << 20)
                                .build());
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        track(h);
        h.open();

        send(h, click("u", "a", T0), click("u", "b", T0 + 1000), click("u", "overflow", T0 + 2000));
        h.processWatermark(T0 + 20 * MINUTE);
        send(
                h,
                click("u", "late", T0 + 500),
                click("u", "c", T0 + 21 * MINUTE)); // c: after a > 10 min gap
        h.processWatermark(T0 + 30 * MINUTE);

        assertThat(((Counter) metrics.get("clicksIn")).getCount()).isEqualTo(5);
        assertThat(((Counter) metrics.get("sessionsOpened")).getCount()).isEqualTo(2);
        assertThat(((Counter) metrics.get("sessionsClosed")).getCount()).isEqualTo(1);
        assertThat(((Counter) metrics.get("lateClicks")).getCount()).isEqualTo(1);
        assertThat(((Counter) metrics.get("clicksSpilled")).getCount()).isEqualTo(1);
        Histogram pendingSize = (Histogram) metrics.get("pendingBufferSize");
        assertThat(pendingSize.getCount()).isEqualTo(3);
        assertThat(pendingSize.getStatistics().getMax()).isEqualTo(2);
    }

    static List<ModelInput> byUserInOrder(List<ModelInput> inputs) {
        List<ModelInput> sorted = new ArrayList<>(inputs);
        sorted.sort(Comparator.comparing(ModelInput::userId)); // stable: keeps each user's order
        return sorted;
    }
}
