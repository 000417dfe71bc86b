package org.sdmstream.job.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
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
 * click it passed on, and checkpoints it. On restore it emits at once the watermark those clicks
 * imply: the lowest per-partition latest time less the out-of-orderness and 1 ms, which is what the
 * sources' next periodic watermark before the crash would have been (a split's watermark is its
 * latest time less the out-of-orderness less 1 ms; the job's, the lowest of them). So a restored
 * job releases what the uninterrupted one would have released, and treats the same clicks as late.
 * From then on it forwards the sources' watermarks only where they are higher: watermarks never go
 * back.
 *
 * <p>A partition with no click before the checkpoint does not hold the restored watermark back:
 * before the crash it held the job's only until it went idle ({@code watermark.idleness}). The
 * state is a union list of (partition, latest time); after a rescale every subtask merges all of it
 * and keeps the latest time per partition. Records without a Kafka partition (the tests' generator
 * sources) are not counted.
 */
public class CheckpointedWatermark extends AbstractStreamOperator<DecodedClick>
        implements OneInputStreamOperator<DecodedClick, DecodedClick> {

    private static final long serialVersionUID = 1L;

    private final long outOfOrdernessMillis;

    /** Latest event time of a click per Kafka partition, over everything since the job started. */
    private transient Map<Integer, Long> latestPerPartition;

    private transient ListState<Tuple2<Integer, Long>> checkpointed;

    /** The watermark the restored state implies, or {@link Long#MIN_VALUE} on a fresh start. */
    private transient long restoredWatermark;

    /** The highest watermark sent downstream. */
    private transient long emitted;

    public CheckpointedWatermark(Duration outOfOrderness) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "latest-event-time-per-partition",
                                        Types.TUPLE(Types.INT, Types.LONG)));
        latestPerPartition = new HashMap<>();
        for (Tuple2<Integer, Long> entry : checkpointed.get()) {
            latestPerPartition.merge(entry.f0, entry.f1, Math::max);
        }
        restoredWatermark = watermarkOf(latestPerPartition, outOfOrdernessMillis);
        emitted = Long.MIN_VALUE;
    }

    /** The watermark the sources emit after these latest times: -infinity for none. */
    static long watermarkOf(Map<Integer, Long> latestPerPartition, long outOfOrdernessMillis) {
        return latestPerPartition.values().stream()
                .mapToLong(latest -> latest - outOfOrdernessMillis - 1)
                .min()
                .orElse(Long.MIN_VALUE);
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (restoredWatermark > Long.MIN_VALUE) {
            // From the mailbox, once the task runs: the operators downstream are open by then.
            getProcessingTimeService()
                    .registerTimer(
                            getProcessingTimeService().getCurrentProcessingTime(),
                            time -> processWatermark(new Watermark(restoredWatermark)));
        }
    }

    @Override
    public void processElement(StreamRecord<DecodedClick> element) throws Exception {
        DecodedClick value = element.getValue();
        if (value.isClick() && value.partition >= 0) {
            latestPerPartition.merge(value.partition, value.eventTimeForWatermark(), Math::max);
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
        List<Tuple2<Integer, Long>> entries = new ArrayList<>(latestPerPartition.size());
        latestPerPartition.forEach(
                (partition, latest) -> entries.add(Tuple2.of(partition, latest)));
        checkpointed.update(entries);
    }
}
