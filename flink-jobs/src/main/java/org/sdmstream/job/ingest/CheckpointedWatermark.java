package org.sdmstream.job.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Carries the clicks' watermark across a restore. Flink checkpoints no watermark: a restored source
 * starts without one and raises it only with records it reads after the restore. A checkpoint may
 * cover clicks whose watermark left the source after the checkpoint's barrier (the source emits
 * watermarks periodically, records at once); after a crash those clicks are restored as pending in
 * the sessionizer, and without this operator they wait for new input on every partition, in a quiet
 * stream indefinitely.
 *
 * <p>Right after the source, this operator keeps per Kafka partition the latest event time of a
 * click it passed on and when it read it, and checkpoints both. On restore it emits, before any
 * replayed record, the watermark the sources were about to emit: the lowest latest time, over the
 * partitions that were not idle at the checkpoint, less the out-of-orderness and 1 ms (a split's
 * watermark is its latest time less the out-of-orderness less 1 ms; the job's, the lowest over the
 * splits not idle). A partition is idle when it delivered no click for {@code watermark.idleness},
 * as the sources judge it; with every partition idle nothing is restored (no click then waits for a
 * watermark that was about to come). From then on it forwards the sources' watermarks only where
 * they are higher: watermarks never go back.
 *
 * <p>Each subtask restores the watermark of its own partitions, those it passed clicks of before
 * the checkpoint, plus any partition no subtask claims (a second union state of (subtask,
 * parallelism, partition)): a subtask whose partitions were read to their end before the checkpoint
 * has nothing to replay and never emits another watermark, so had it restored the lowest over all
 * partitions it would hold the job's watermark there until its partitions went idle (the crash test
 * saw 565 vectors wait for that). An unclaimed partition, e.g. one quiet since a rescale, counts
 * for every subtask, so no subtask restores a watermark above a partition it may read. After a
 * rescale, when the owners are unknown, every subtask restores the lowest over all partitions.
 *
 * <p>A partition with no click before the checkpoint does not hold the restored watermark back:
 * before the crash it held the job's only until it went idle. The state is a union list of (topic,
 * partition, latest time, silence before the checkpoint); after a rescale every subtask merges all
 * of it, per partition the latest time and the shortest silence, and drops another topic's entries
 * (after {@code topic.clicks} changed). Records without a Kafka partition are not counted. Only for
 * unbounded sources: a bounded one ends with the final watermark anyway, and union state would keep
 * checkpoints from completing while some of its subtasks have finished.
 */
public class CheckpointedWatermark extends AbstractStreamOperator<DecodedClick>
        implements OneInputStreamOperator<DecodedClick, DecodedClick> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final long outOfOrdernessMillis;
    private final long idlenessMillis;

    /** Per Kafka partition of {@link #topic}: its latest click and when it was read. */
    private transient Map<Integer, PartitionClock> partitions;

    /** (topic, partition, latest event time, ms between its last click's read and the snapshot). */
    private transient ListState<Tuple4<String, Integer, Long, Long>> checkpointed;

    /**
     * (subtask, parallelism, partition) of every subtask's partitions, union; partition -1 marks a
     * subtask.
     */
    private transient ListState<Tuple3<Integer, Integer, Integer>> owners;

    /** The partitions this subtask passed clicks of (restored only at the same parallelism). */
    private transient Set<Integer> own;

    /** The watermark the restored state implies, or {@link Long#MIN_VALUE} for none. */
    private transient long restoredWatermark;

    /** The highest watermark sent downstream. */
    private transient long emitted;

    public CheckpointedWatermark(String topic, Duration outOfOrderness, Duration idleness) {
        this.topic = Objects.requireNonNull(topic);
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.idlenessMillis = idleness.toMillis();
    }

    /** A partition's latest click event time and the processing time it was read at. */
    static final class PartitionClock {
        long latestEventTime;
        long readAt;

        PartitionClock(long latestEventTime, long readAt) {
            this.latestEventTime = latestEventTime;
            this.readAt = readAt;
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "partition-clocks",
                                        Types.TUPLE(
                                                Types.STRING, Types.INT, Types.LONG, Types.LONG)));
        long now = getProcessingTimeService().getCurrentProcessingTime();
        partitions = new HashMap<>();
        for (Tuple4<String, Integer, Long, Long> entry : checkpointed.get()) {
            if (!topic.equals(entry.f0)) {
                continue;
            }
            // Merged across the subtasks' copies: the latest click, read most recently.
            PartitionClock restored = new PartitionClock(entry.f2, now - entry.f3);
            partitions.merge(
                    entry.f1,
                    restored,
                    (a, b) ->
                            new PartitionClock(
                                    Math.max(a.latestEventTime, b.latestEventTime),
                                    Math.max(a.readAt, b.readAt)));
        }
        owners =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "partition-owners",
                                        Types.TUPLE(Types.INT, Types.INT, Types.INT)));
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        own = new HashSet<>();
        Set<Integer> claimed = new HashSet<>();
        boolean known = false;
        boolean sameParallelism = true;
        for (Tuple3<Integer, Integer, Integer> entry : owners.get()) {
            known = true;
            sameParallelism &= entry.f1 == parallelism;
            if (entry.f2 >= 0) {
                claimed.add(entry.f2);
                if (entry.f0 == subtask) {
                    own.add(entry.f2);
                }
            }
        }
        if (known && sameParallelism) {
            Set<Integer> counted = new HashSet<>(own);
            partitions.keySet().stream().filter(p -> !claimed.contains(p)).forEach(counted::add);
            restoredWatermark = watermarkAt(now, counted);
        } else {
            own.clear(); // a rescale, or a checkpoint from before: owners unknown
            restoredWatermark = watermarkAt(now);
        }
        emitted = Long.MIN_VALUE;
    }

    /**
     * The watermark the sources emit at processing time {@code now} after the clicks counted here:
     * the lowest over the partitions not idle; {@link Long#MIN_VALUE} when all are idle or none has
     * a click.
     */
    long watermarkAt(long now) {
        return watermarkAt(now, null);
    }

    /** {@link #watermarkAt(long)} over {@code only} these partitions (null: all). */
    private long watermarkAt(long now, Set<Integer> only) {
        return partitions.entrySet().stream()
                .filter(e -> only == null || only.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .filter(p -> now - p.readAt < idlenessMillis)
                .mapToLong(p -> p.latestEventTime - outOfOrdernessMillis - 1)
                .min()
                .orElse(Long.MIN_VALUE);
    }

    @Override
    public void open() throws Exception {
        super.open();
        // Operators open from the chain's tail to its head, so everything downstream is open and
        // the source, opened last, has emitted nothing: the watermark precedes every replayed
        // record.
        if (restoredWatermark > Long.MIN_VALUE) {
            processWatermark(new Watermark(restoredWatermark));
        }
    }

    @Override
    public void processElement(StreamRecord<DecodedClick> element) throws Exception {
        DecodedClick value = element.getValue();
        if (value.isClick() && value.partition >= 0) {
            long time = value.eventTimeForWatermark();
            long now = getProcessingTimeService().getCurrentProcessingTime();
            own.add(value.partition);
            PartitionClock clock = partitions.get(value.partition);
            if (clock == null) {
                partitions.put(value.partition, new PartitionClock(time, now));
            } else {
                clock.latestEventTime = Math.max(clock.latestEventTime, time);
                clock.readAt = now;
            }
        }
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() > emitted) {
            emitted = mark.getTimestamp();
            super.processWatermark(mark);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        long now = getProcessingTimeService().getCurrentProcessingTime();
        List<Tuple4<String, Integer, Long, Long>> entries = new ArrayList<>(partitions.size());
        partitions.forEach(
                (partition, clock) ->
                        entries.add(
                                Tuple4.of(
                                        topic,
                                        partition,
                                        clock.latestEventTime,
                                        Math.max(0, now - clock.readAt))));
        checkpointed.update(entries);
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        List<Tuple3<Integer, Integer, Integer>> mine = new ArrayList<>(own.size() + 1);
        mine.add(Tuple3.of(subtask, parallelism, -1));
        own.forEach(partition -> mine.add(Tuple3.of(subtask, parallelism, partition)));
        owners.update(mine);
    }
}
