package org.sdmstream.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sdmstream.job.TestClicks;
import org.sdmstream.records.DeadLetter;

/** The watermark that survives a restore, on Flink's operator harness. */
class CheckpointedWatermarkTest {

    static final long OUT_OF_ORDERNESS = 5_000;
    static final long IDLENESS = 60_000;

    private final List<OneInputStreamOperatorTestHarness<DecodedClick, DecodedClick>> open =
            new ArrayList<>();

    OneInputStreamOperatorTestHarness<DecodedClick, DecodedClick> harness(
            OperatorSubtaskState restore, int parallelism, int subtask) throws Exception {
        return harness(restore, parallelism, subtask, "clicks", 0);
    }

    /** A harness whose processing time is {@code now} before the state is restored. */
    OneInputStreamOperatorTestHarness<DecodedClick, DecodedClick> harness(
            OperatorSubtaskState restore, int parallelism, int subtask, String topic, long now)
            throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<>(
                        new CheckpointedWatermark(
                                topic,
                                Duration.ofMillis(OUT_OF_ORDERNESS),
                                Duration.ofMillis(IDLENESS)),
                        128,
                        parallelism,
                        subtask);
        open.add(h);
        h.setProcessingTime(now);
        if (restore == null) {
            h.initializeEmptyState();
        } else {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /**
     * Subtask {@code subtask} of {@code to} restored from a snapshot taken at parallelism {@code
     * from}.
     */
    /** Checkpoint {@code id} of two subtasks, as one state to restore at any parallelism. */
    static OperatorSubtaskState snapshotOfBoth(
            long id,
            OneInputStreamOperatorTestHarness<DecodedClick, DecodedClick> a,
            OneInputStreamOperatorTestHarness<DecodedClick, DecodedClick> b)
            throws Exception {
        return AbstractStreamOperatorTestHarness.repackageState(
                a.snapshot(id, id), b.snapshot(id, id));
    }

    OneInputStreamOperatorTestHarness<DecodedClick, DecodedClick> restore(
            OperatorSubtaskState state, int from, int to, int subtask) throws Exception {
        return harness(
                AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        state, 128, from, to, subtask),
                to,
                subtask);
    }

    @AfterEach
    void close() throws Exception {
        for (var h : open) {
            h.close();
        }
    }

    static void click(
            OneInputStreamOperatorTestHarness<DecodedClick, DecodedClick> h,
            int partition,
            long time)
            throws Exception {
        DecodedClick c = DecodedClick.ofClick(TestClicks.click("u", "i", time), partition);
        h.processElement(new StreamRecord<>(c, time));
    }

    static List<Long> watermarks(OneInputStreamOperatorTestHarness<DecodedClick, DecodedClick> h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .toList();
    }

    @Test
    void aFreshStartForwardsTheSourcesWatermarksAndNeverGoesBack() throws Exception {
        var h = harness(null, 1, 0);
        h.setProcessingTime(1);
        click(h, 0, 10_000);
        h.processWatermark(new Watermark(4_999));
        h.processWatermark(new Watermark(Long.MIN_VALUE));
        h.processWatermark(new Watermark(6_000));

        assertThat(h.extractOutputValues()).hasSize(1);
        assertThat(watermarks(h)).containsExactly(4_999L, 6_000L);
    }

    @Test
    void aRestoreEmitsTheWatermarkOfTheClicksTheCheckpointCovered() throws Exception {
        var first = harness(null, 1, 0);
        click(first, 0, 20_000);
        click(first, 1, 12_000);
        click(first, 1, 9_000);
        // The watermark of these clicks had not left the source when the checkpoint was taken.
        first.processWatermark(new Watermark(1_000));
        OperatorSubtaskState snapshot = first.snapshot(1, 1);

        var restored = harness(snapshot, 1, 0);
        // At once, before any replayed record: the lowest partition's latest click, less the
        // out-of-orderness and 1 ms, what the source's next periodic watermark would have been.
        assertThat(watermarks(restored)).containsExactly(12_000 - OUT_OF_ORDERNESS - 1);

        // A restored source starts from nothing: its low watermarks are held back.
        restored.processWatermark(new Watermark(Long.MIN_VALUE));
        restored.processWatermark(new Watermark(3_000));
        restored.processWatermark(new Watermark(8_000));
        assertThat(watermarks(restored)).containsExactly(7_000L - 1, 8_000L);
    }

    @Test
    void deadLettersAndRecordsWithoutAPartitionDoNotMoveIt() throws Exception {
        var first = harness(null, 1, 0);
        click(first, 0, 20_000);
        first.processElement(
                new StreamRecord<>(DecodedClick.ofClick(TestClicks.click("u", "i", 90_000))));
        first.processElement(new StreamRecord<>(DecodedClick.ofDeadLetter(new DeadLetter())));
        OperatorSubtaskState snapshot = first.snapshot(1, 1);

        var restored = harness(snapshot, 1, 0);
        assertThat(watermarks(restored)).containsExactly(20_000 - OUT_OF_ORDERNESS - 1);
    }

    @Test
    void eachSubtaskRestoresTheWatermarkOfItsOwnPartitions() throws Exception {
        // Subtask 0 read its partition to the end before the checkpoint: after a restore it has
        // nothing to replay and never emits another watermark, so it must not restore the lowest
        // of all partitions (subtask 1's) or it holds the job's watermark there.
        var a = harness(null, 2, 0);
        var b = harness(null, 2, 1);
        click(a, 0, 50_000);
        click(b, 1, 20_000);
        OperatorSubtaskState both = snapshotOfBoth(1, a, b);

        var restoredA = restore(both, 2, 2, 0);
        var restoredB = restore(both, 2, 2, 1);
        assertThat(watermarks(restoredA)).containsExactly(50_000 - OUT_OF_ORDERNESS - 1);
        assertThat(watermarks(restoredB)).containsExactly(20_000 - OUT_OF_ORDERNESS - 1);
    }

    @Test
    void aPartitionNoSubtaskClaimedSinceARescaleCountsForEverySubtask() throws Exception {
        // Partition 1 is quiet (not idle) after a rescale from 1 to 2: no subtask passes a click
        // of it before the next checkpoint, so no subtask may restore a watermark above it there.
        var one = harness(null, 1, 0);
        click(one, 0, 50_000);
        click(one, 1, 20_000);
        OperatorSubtaskState first = one.snapshot(1, 1);
        var a = restore(first, 1, 2, 0);
        var b = restore(first, 1, 2, 1);
        click(a, 0, 60_000);
        OperatorSubtaskState second = snapshotOfBoth(2, a, b);

        for (int subtask = 0; subtask < 2; subtask++) {
            var restored = restore(second, 2, 2, subtask);
            assertThat(watermarks(restored))
                    .as("subtask " + subtask)
                    .containsExactly(20_000 - OUT_OF_ORDERNESS - 1);
        }
    }

    @Test
    void aRescaledRestoreTakesEachPartitionsLatestClickFromWhicheverSubtaskSawIt()
            throws Exception {
        // Both subtasks hold partition 1's restored time; only subtask 1 has read it since.
        var before = harness(null, 1, 0);
        click(before, 0, 10_000);
        click(before, 1, 10_000);
        OperatorSubtaskState earlier = before.snapshot(1, 1);
        var a = restore(earlier, 1, 2, 0);
        var b = restore(earlier, 1, 2, 1);
        click(a, 0, 30_000);
        click(b, 1, 40_000);
        OperatorSubtaskState merged = snapshotOfBoth(2, a, b);

        var restored = restore(merged, 2, 1, 0);
        assertThat(watermarks(restored)).containsExactly(30_000 - OUT_OF_ORDERNESS - 1);
    }

    @Test
    void aPartitionIdleAtTheCheckpointDoesNotHoldItBack() throws Exception {
        var first = harness(null, 1, 0);
        click(first, 0, 1_000); // then silent: idle by the checkpoint, as the source judges it
        first.setProcessingTime(IDLENESS + 10_000);
        click(first, 1, 50_000);
        OperatorSubtaskState snapshot = first.snapshot(1, IDLENESS + 10_001);

        // Restored later: silence is measured up to the checkpoint, not up to the restore.
        var restored = harness(snapshot, 1, 0, "clicks", 10 * IDLENESS);
        assertThat(watermarks(restored)).containsExactly(50_000 - OUT_OF_ORDERNESS - 1);

        // Partition 0 speaks again: the restored job counts it from now on, like the source.
        click(restored, 0, 2_000);
        OperatorSubtaskState again = restored.snapshot(2, 10 * IDLENESS);
        var twice = harness(again, 1, 0, "clicks", 10 * IDLENESS + 1);
        assertThat(watermarks(twice)).containsExactly(2_000 - OUT_OF_ORDERNESS - 1);
    }

    @Test
    void withEveryPartitionIdleOrAnotherTopicNothingIsRestored() throws Exception {
        var first = harness(null, 1, 0);
        click(first, 0, 10_000);
        first.setProcessingTime(IDLENESS);
        OperatorSubtaskState snapshot = first.snapshot(1, IDLENESS);

        assertThat(watermarks(harness(snapshot, 1, 0, "clicks", 0))).isEmpty();

        var other = harness(null, 1, 0);
        click(other, 0, 10_000);
        OperatorSubtaskState ofClicks = other.snapshot(1, 1);
        assertThat(watermarks(harness(ofClicks, 1, 0, "clicks-v2", 1))).isEmpty();
        assertThat(watermarks(harness(ofClicks, 1, 0, "clicks", 1)))
                .containsExactly(10_000 - OUT_OF_ORDERNESS - 1);
    }
}
