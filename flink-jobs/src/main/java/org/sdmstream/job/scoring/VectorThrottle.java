package org.sdmstream.job.scoring;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.sdmstream.records.SessionFeatures;

/**
 * Keyed by user, before scoring: lets at most one model input per user through per {@code
 * scoring.min-interval} of event time, and never loses the newest click of a burst.
 *
 * <p>The rule depends on event times only, so a replay gives the same output whatever the watermark
 * timing: an input at or after {@code anchor + interval} passes and becomes the anchor; an earlier
 * one is held (replacing any held before, which is coalesced away). When event time reaches {@code
 * anchor + interval} (an event-time timer, or the next input at or after it), the held input passes
 * and the anchor moves to {@code anchor + interval}. Once an interval passes with nothing held, the
 * user's state is cleared.
 */
public class VectorThrottle extends KeyedProcessFunction<String, SessionFeatures, SessionFeatures> {

    private static final long serialVersionUID = 1L;

    private final long intervalMillis;

    private transient ValueState<Long> anchor;
    private transient ValueState<SessionFeatures> held;
    private transient Counter coalesced;

    public VectorThrottle(Duration minInterval) {
        if (minInterval.isNegative() || minInterval.isZero()) {
            throw new IllegalArgumentException("the throttle needs a positive interval");
        }
        this.intervalMillis = minInterval.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        anchor =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("vector-anchor", Types.LONG));
        held =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "vector-held", new AvroTypeInfo<>(SessionFeatures.class)));
        coalesced = getRuntimeContext().getMetricGroup().counter("coalescedClicks");
    }

    @Override
    public void processElement(SessionFeatures input, Context ctx, Collector<SessionFeatures> out)
            throws Exception {
        long time = input.getEventTime().toEpochMilli();
        Long a = anchor.value();
        SessionFeatures h = held.value();
        if (a != null && h != null && time >= a + intervalMillis) {
            // The held input's interval ended before this click: it goes first, as its timer would
            // have sent it.
            out.collect(h);
            held.clear();
            h = null;
            a = a + intervalMillis;
            moveAnchor(a, ctx);
        }
        if (a == null || time >= a + intervalMillis) {
            out.collect(input);
            moveAnchor(time, ctx);
        } else {
            if (h != null) {
                coalesced.inc();
            }
            held.update(input);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SessionFeatures> out)
            throws Exception {
        Long a = anchor.value();
        if (a == null || timestamp != a + intervalMillis) {
            return; // a timer of an earlier anchor
        }
        SessionFeatures h = held.value();
        if (h != null) {
            out.collect(h);
            held.clear();
            moveAnchor(timestamp, ctx);
        } else {
            anchor.clear();
        }
    }

    private void moveAnchor(long time, Context ctx) throws Exception {
        anchor.update(time);
        ctx.timerService().registerEventTimeTimer(time + intervalMillis);
    }
}
