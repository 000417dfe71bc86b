package org.sdmstream.job.ingest;

import java.util.Objects;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;

/**
 * What the Kafka source makes of one record: either a valid click or a dead letter, never an
 * exception. A Flink POJO (public fields, no-arg constructor) so it crosses operators without Kryo.
 */
public class DecodedClick {

    /** The valid click, or null when this is a dead letter. */
    public ClickEvent click;

    /** Why the record could not be used, or null when this is a click. */
    public DeadLetter deadLetter;

    /**
     * The Kafka partition the click was read from, or -1 where the source has none; {@link
     * CheckpointedWatermark} keeps the watermark per partition.
     */
    public int partition = -1;

    public DecodedClick() {}

    public static DecodedClick ofClick(ClickEvent click) {
        DecodedClick d = new DecodedClick();
        d.click = Objects.requireNonNull(click);
        return d;
    }

    /** A valid click read from Kafka partition {@code partition}. */
    public static DecodedClick ofClick(ClickEvent click, int partition) {
        DecodedClick d = ofClick(click);
        d.partition = partition;
        return d;
    }

    public static DecodedClick ofDeadLetter(DeadLetter deadLetter) {
        DecodedClick d = new DecodedClick();
        d.deadLetter = Objects.requireNonNull(deadLetter);
        return d;
    }

    public boolean isClick() {
        return click != null;
    }

    /**
     * The event time for watermarks. Dead letters report {@link Long#MIN_VALUE} so they never move
     * the watermark (their Kafka timestamp is wall-clock time, which would make a replay late).
     */
    public long eventTimeForWatermark() {
        return click != null ? click.getEventTime().toEpochMilli() : Long.MIN_VALUE;
    }

    @Override
    public String toString() {
        return isClick()
                ? "DecodedClick[" + click + "]"
                : "DecodedClick[dead letter " + deadLetter + "]";
    }
}
