package org.sdmstream.job.ingest;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;

/**
 * Splits the decoded source records: valid clicks flow on, dead letters go to the {@link
 * #DEAD_LETTERS} side output.
 */
public class RouteDeadLetters extends ProcessFunction<DecodedClick, ClickEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("decode-dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private transient Counter deadLetters;
    private transient Counter clicksDecoded;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        clicksDecoded = getRuntimeContext().getMetricGroup().counter("clicksDecoded");
    }

    @Override
    public void processElement(DecodedClick value, Context ctx, Collector<ClickEvent> out) {
        if (value.isClick()) {
            clicksDecoded.inc();
            out.collect(value.click);
        } else {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, value.deadLetter);
        }
    }
}
