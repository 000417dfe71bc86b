package org.sdmstream.job.ingest;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;

/**
 * Settings of the click source: which records are refused as dead letters, and how watermarks are
 * assigned.
 */
public final class IngestOptions {

    public static final ConfigOption<Duration> MAX_FUTURE =
            key("validation.max-future")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "event times later than now + this are dead letters;"
                                    + " now = the later of the TaskManager's clock and the record's Kafka timestamp, so a"
                                    + " TaskManager clock that lags does not refuse current clicks");

    public static final ConfigOption<Integer> MAX_ID_LENGTH =
            key("validation.max-id-length")
                    .intType()
                    .defaultValue(256)
                    .withDescription("longer ids are dead letters");

    public static final ConfigOption<Duration> WATERMARK_OUT_OF_ORDERNESS =
            key("watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("bounded out-of-orderness of each partition's watermark");

    public static final ConfigOption<Duration> WATERMARK_IDLENESS =
            key("watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "a partition silent this long stops holding the watermark back");

    // A user's clicks wait for the slowest partition's watermark; alignment bounds that wait in
    // event time
    // (drift + out-of-orderness), so a restore with a backlog does not pile a heavy user's clicks
    // up.
    public static final ConfigOption<Duration> WATERMARK_ALIGNMENT_MAX_DRIFT =
            key("watermark.alignment.max-drift")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "a partition whose watermark runs this far ahead of the slowest one is paused until it "
                                    + "catches up (Flink's watermark alignment, per split); 0 = off");

    public static final ConfigOption<Duration> WATERMARK_ALIGNMENT_UPDATE_INTERVAL =
            key("watermark.alignment.update-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "how often the sources agree on the slowest watermark for alignment");

    private IngestOptions() {}
}
