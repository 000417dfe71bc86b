package org.sdmstream.job.sessionizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.job.TestClicks.MINUTE;
import static org.sdmstream.job.TestClicks.T0;
import static org.sdmstream.job.TestClicks.click;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.job.OperatorMetrics;
import org.sdmstream.job.TestClicks;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/**
 * Pending clicks on the heap ({@link SessionizerOperator}, {@link HeapPendingClicks}): not in keyed
 * state between checkpoints, all of it in every snapshot, bounded, and the same sessions as with
 * every click written through (RocksDB state, read through the job's own descriptors).
 */
class HeapPendingClicksTest extends SessionizerHarnesses {

    static SessionizerSettings withHeap(int heapClicks) {
        return withHeap(heapClicks, ClickSessionizerTest.SETTINGS.maxPendingClicks());
    }

    static SessionizerSettings withHeap(int heapClicks, int maxPendingClicks) {
        SessionizerSettings s = ClickSessionizerTest.SETTINGS;
        return new SessionizerSettings(
                s.rules(),
                s.allowedLateness(),
                maxPendingClicks,
                s.stateTtl(),
                s.expiryTimerResolution(),
                s.clicksTopic(),
                s.maxWait(),
                heapClicks);
    }

    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures> run(
            OneInputStreamOperator<ClickEvent, SessionFeatures> operator,
            OperatorSubtaskState restore)
            throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator, ClickEvent::getUserId, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        track(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static List<String> pendingItems(StateFormatMigrationTest.UserState s) {
        return s.pending() == null
                ? List.of()
                : s.pending().clicks().stream().map(c -> c.behavior().itemId()).toList();
    }

    @Test
    void clicksWaitingOnTheHeapAreInTheSnapshotAndAPlainOperatorRestoresThem() throws Exception {
        ClickSessionizer job = new ClickSessionizer(ClickSessionizerTest.SETTINGS);
        var h = run(new SessionizerOperator(job), null);
        send(h, click("u", "a", T0 + 1000), click("v", "x", T0 + 1500));
        send(h, click("u", "b", T0 + 2000));
        h.processWatermark(T0);
        assertThat(h.extractOutputValues()).isEmpty();
        Map<String, StateFormatMigrationTest.UserState> before =
                StateFormatMigrationTest.states(h, job, List.of("u", "v"));
        assertThat(before.values())
                .as("between checkpoints the buffers are on the heap only")
                .allMatch(s -> s.pending() == null);

        OperatorSubtaskState snapshot = h.snapshot(1L, 0L);
        Map<String, StateFormatMigrationTest.UserState> at =
                StateFormatMigrationTest.states(h, job, List.of("u", "v"));
        assertThat(pendingItems(at.get("u"))).containsExactly("a", "b");
        assertThat(pendingItems(at.get("v"))).containsExactly("x");
        closeNow(h);

        // The restored state is the keyed state a write-through run would have left.
        var plain =
                run(
                        new KeyedProcessOperator<>(
                                new ClickSessionizer(ClickSessionizerTest.SETTINGS)),
                        snapshot);
        plain.processWatermark(T0 + 5000);
        List<SessionFeatures> out = plain.extractOutputValues();
        assertThat(out)
                .extracting(f -> f.getUserId() + ":" + f.getPosition())
                .containsExactly("u:1", "u:2", "v:1"); // u's first timer applies all u's due
        assertThat(ClickSessionizerTest.items(out.get(1).getSessionClicks()))
                .containsExactly("a", "b");
    }

    @Test
    void aBufferEmptiedAfterACheckpointLeavesKeyedStateAtOnceAndIsNeverReplayed() throws Exception {
        ClickSessionizer job = new ClickSessionizer(ClickSessionizerTest.SETTINGS);
        var h = run(new SessionizerOperator(job), null);
        send(h, click("u", "a", T0 + 1000));
        h.snapshot(1L, 0L);
        h.processWatermark(T0 + 2000);
        assertThat(h.extractOutputValues()).hasSize(1);
        assertThat(StateFormatMigrationTest.states(h, job, List.of("u")).get("u").pending())
                .as("cleared as it emptied, not left stale until the next checkpoint")
                .isNull();

        OperatorSubtaskState second = h.snapshot(2L, 0L);
        closeNow(h);

        var restored = run(new SessionizerOperator(new ClickSessionizer(withHeap(50))), second);
        send(restored, click("u", "b", T0 + 3000));
        restored.processWatermark(Long.MAX_VALUE);
        List<SessionFeatures> out = restored.extractOutputValues();
        assertThat(out).as("a was applied before the checkpoint: only b").hasSize(1);
        assertThat(ClickSessionizerTest.items(out.get(0).getSessionClicks()))
                .containsExactly("a", "b");
    }

    @Test
    void usersBeyondTheHeapCapacityKeepTheirBufferInKeyedState() throws Exception {
        ClickSessionizer job = new ClickSessionizer(withHeap(3));
        var h = run(new SessionizerOperator(job), null);
        send(h, click("u", "a", T0 + 1000), click("u", "b", T0 + 2000)); // 2 clicks + 1 user
        send(h, click("v", "x", T0 + 1500), click("v", "y", T0 + 2500));
        Map<String, StateFormatMigrationTest.UserState> states =
                StateFormatMigrationTest.states(h, job, List.of("u", "v"));
        assertThat(states.get("u").pending()).as("on the heap").isNull();
        assertThat(pendingItems(states.get("v")))
                .as("the heap is full: written through")
                .containsExactly("x", "y");

        h.processWatermark(T0 + 3000);
        assertThat(h.extractOutputValues())
                .extracting(f -> f.getUserId() + ":" + f.getPosition())
                .containsExactly("u:1", "u:2", "v:1", "v:2");
        assertThat(StateFormatMigrationTest.states(h, job, List.of("v")).get("v").pending())
                .isNull();
    }

    @Test
    void aUserOnTheHeapWhoseNextClickWouldNotFitGoesBackToKeyedState() throws Exception {
        ClickSessionizer job = new ClickSessionizer(withHeap(3));
        var h = run(new SessionizerOperator(job), null);
        send(h, click("u", "a", T0 + 1000), click("u", "b", T0 + 2000)); // 2 clicks + 1 user
        assertThat(StateFormatMigrationTest.states(h, job, List.of("u")).get("u").pending())
                .isNull();
        send(h, click("u", "c", T0 + 1500));
        assertThat(pendingItems(StateFormatMigrationTest.states(h, job, List.of("u")).get("u")))
                .as("a stalled watermark grows keyed state, not the heap")
                .containsExactly("a", "c", "b");

        h.processWatermark(T0 + 3000);
        List<SessionFeatures> out = h.extractOutputValues();
        assertThat(out).hasSize(3);
        assertThat(ClickSessionizerTest.items(out.get(2).getSessionClicks()))
                .containsExactly("a", "c", "b");
        assertThat(StateFormatMigrationTest.states(h, job, List.of("u")).get("u").pending())
                .isNull();
    }

    @Test
    void aUserWhoseBufferEmptiedIsNotReadFromStateAgain() throws Exception {
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        ClickSessionizer job = new ClickSessionizer(withHeap(50));
        var h =
                new KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures>(
                        new SessionizerOperator(job),
                        ClickEvent::getUserId,
                        Types.STRING,
                        new MockEnvironmentBuilder()
                                .setMetricGroup(OperatorMetrics.taskGivingEveryOperator(metrics))
                                .setManagedMemorySize(64 << 20)
                                .build());
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        track(h);
        h.open();
        Counter reads = (Counter) metrics.get("pendingStateReads");

        send(h, click("u", "b", T0 + 2000), click("u", "a", T0 + 1000)); // a timer each
        assertThat(reads.getCount()).as("u's first click: state might hold a buffer").isEqualTo(1);
        h.processWatermark(T0 + 2000); // a's timer applies both, b's finds nothing due
        send(h, click("u", "c", T0 + 3000));
        h.processWatermark(T0 + 3000);
        h.snapshot(1L, 0L);
        send(h, click("u", "d", T0 + 4000));
        h.processWatermark(T0 + 4000);
        assertThat(reads.getCount())
                .as("emptied at its timers and known empty since: no read at clicks or timers")
                .isEqualTo(1);

        send(h, click("v", "x", T0 + 5000));
        h.snapshot(2L, 0L); // v's buffer is written to keyed state
        h.processWatermark(T0 + 5000); // and cleared there as it empties
        send(h, click("v", "y", T0 + 6000));
        h.processWatermark(Long.MAX_VALUE);
        assertThat(reads.getCount()).as("only v's first click").isEqualTo(2);
        assertThat(StateFormatMigrationTest.states(h, job, List.of("u", "v")))
                .allSatisfy((user, state) -> assertThat(state.pending()).isNull());
        List<SessionFeatures> out = h.extractOutputValues();
        assertThat(out)
                .extracting(f -> f.getUserId() + ":" + f.getPosition())
                .containsExactly("u:1", "u:2", "u:3", "u:4", "v:1", "v:2");
        assertThat(ClickSessionizerTest.items(out.get(5).getSessionClicks()))
                .containsExactly("x", "y");
    }

    @Test
    void snapshotsAndRestoresWithASmallHeapGiveTheOfflineSessions() throws Exception {
        offlineSessionsThroughSnapshots(withHeap(6), MINUTE);
    }

    @Test
    void withSpilledBacklogsTooTheUsersKnownEmptyGiveTheOfflineSessions() throws Exception {
        // A watermark 10 minutes behind: ~7 clicks wait per user, beyond a cap of 3.
        offlineSessionsThroughSnapshots(withHeap(20, 3), 10 * MINUTE);
    }

    private void offlineSessionsThroughSnapshots(SessionizerSettings settings, long watermarkLag)
            throws Exception {
        Random random = new Random(5);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            clicks.add(
                    click(
                            "u" + random.nextInt(12),
                            "i" + random.nextInt(40),
                            T0 + i * 7_000L + random.nextInt(3000),
                            random.nextInt(3) == 0 ? "sdk" : null));
        }
        List<ClickEvent> arrival = TestClicks.arrivalOrder(clicks, random);
        List<SessionFeatures> out = new ArrayList<>();
        OperatorSubtaskState snapshot = null;
        var h = run(new SessionizerOperator(new ClickSessionizer(settings)), null);
        long maxSeen = Long.MIN_VALUE;
        for (int i = 0; i < arrival.size(); i++) {
            if (i % 150 == 149) {
                out.addAll(h.extractOutputValues());
                snapshot = h.snapshot(i, 0L);
                closeNow(h);
                h = run(new SessionizerOperator(new ClickSessionizer(settings)), snapshot);
            }
            ClickEvent c = arrival.get(i);
            send(h, c);
            maxSeen = Math.max(maxSeen, c.getEventTime().toEpochMilli());
            if (i % 5 == 0) {
                long watermark = maxSeen - watermarkLag;
                h.processWatermark(watermark);
                long passed =
                        arrival.subList(0, i + 1).stream()
                                .filter(a -> a.getEventTime().toEpochMilli() <= watermark)
                                .count();
                assertThat(out.size() + h.extractOutputValues().size())
                        .as("every click the watermark passed, and no other, is applied")
                        .isEqualTo(passed);
            }
        }
        h.processWatermark(Long.MAX_VALUE);
        out.addAll(h.extractOutputValues());

        assertThat(h.getSideOutput(ClickSessionizer.LATE_CLICKS)).isNull();
        assertThat(out).hasSize(arrival.size());
        assertThat(ClickSessionizerTest.byUserInOrder(ClickSessionizerTest.modelInputs(out)))
                .isEqualTo(
                        ClickSessionizerTest.byUserInOrder(
                                TestClicks.offlineModelInputs(
                                        arrival, ClickSessionizerTest.RULES)));
    }

    @Test
    void theHeapCountsClicksPlusOnePerUserAndForgetsEmptiedUsersAtTheCheckpoint() throws Exception {
        HeapPendingClicks heap = new HeapPendingClicks(4);
        HeapPendingClicks.Entry u = heap.adopt("u", null, 0, p -> p);
        u.clicks.add(FeatureRecords.toClick(click("u", "a", T0)));
        heap.changed(u, 0);
        u.clicks.add(FeatureRecords.toClick(click("u", "b", T0 + 1)));
        heap.changed(u, 1);
        assertThat(heap.clicks()).isEqualTo(2);
        assertThat(heap.adopt("v", null, 0, p -> p)).as("2 clicks + 2 users > 4").isNotNull();
        assertThat(heap.adopt("w", null, 0, p -> p)).as("full").isNull();
        assertThat(heap.full()).isTrue();
        assertThat(heap.held()).isEqualTo(4);

        List<String> written = new ArrayList<>();
        heap.writeChanged((user, p) -> written.add(user + "=" + (p == null ? "-" : p.size())));
        assertThat(written).containsExactly("u=2");
        assertThat(heap.users()).as("v emptied (never filled): forgotten").isEqualTo(1);
        assertThat(heap.isKnownEmpty("v")).as("and known to have nothing in state").isTrue();
        assertThat(heap.isKnownEmpty("u")).isFalse();

        u.clicks.takeUpTo(Long.MAX_VALUE);
        heap.changed(u, 2);
        written.clear();
        heap.writeChanged((user, p) -> written.add(user + "=" + (p == null ? "-" : p.size())));
        assertThat(written).as("written at the last checkpoint: cleared").containsExactly("u=-");
        assertThat(heap.users()).isZero();
        assertThat(heap.clicks()).isZero();

        HeapPendingClicks.Entry x = heap.adopt("x", null, 0, p -> p);
        x.clicks.add(FeatureRecords.toClick(click("x", "a", T0)));
        heap.changed(x, 0);
        heap.drop("x");
        assertThat(heap.held()).as("dropped with its clicks").isZero();

        assertThat(heap.takeKnownEmpty("v")).isTrue();
        assertThat(heap.isKnownEmpty("v")).as("taken: its state may change now").isFalse();
        for (String user : List.of("a", "b", "c", "d", "e")) {
            heap.rememberEmpty(user);
        }
        assertThat(heap.knownEmptyUsers()).as("the capacity's newest users").isEqualTo(4);
        assertThat(heap.isKnownEmpty("a")).isFalse();
        assertThat(heap.isKnownEmpty("e")).isTrue();
    }
}
