package org.sdmstream.job;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;

/**
 * The job-wide settings of {@link UserInterestJob}: its name, parallelism, state backend,
 * checkpoints and the runtime knobs that bound latency. The other areas: KafkaOptions,
 * IngestOptions, SessionizerOptions, ScoringOptions; {@link JobConfig} reads and checks them all.
 */
public final class JobOptions {

    /** The state backends the job runs on, as Flink's {@code state.backend.type} names them. */
    public enum StateBackend {
        ROCKSDB("rocksdb"),
        HASHMAP("hashmap");

        private final String flinkName;

        StateBackend(String flinkName) {
            this.flinkName = flinkName;
        }

        @Override
        public String toString() {
            return flinkName;
        }
    }

    public static final ConfigOption<String> JOB_NAME =
            key("job.name")
                    .stringType()
                    .defaultValue("sdm-user-interest")
                    .withDescription("Flink job name");

    public static final ConfigOption<Integer> PARALLELISM =
            key("job.parallelism")
                    .intType()
                    .defaultValue(0)
                    .withDescription("operator parallelism; 0 = the environment's default");

    public static final ConfigOption<StateBackend> STATE_BACKEND =
            key("state.backend")
                    .enumType(StateBackend.class)
                    .defaultValue(StateBackend.ROCKSDB)
                    .withDescription("rocksdb (production) or hashmap");

    public static final ConfigOption<Boolean> INCREMENTAL_CHECKPOINTS =
            key("state.incremental")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("incremental RocksDB checkpoints");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "checkpoint interval (also the commit interval of exactly-once output)");

    public static final ConfigOption<String> CHECKPOINT_DIR =
            key("checkpoint.dir")
                    .stringType()
                    .defaultValue("")
                    .withDescription("checkpoint directory URI; empty = the cluster's setting");

    public static final ConfigOption<Duration> WATERMARK_INTERVAL =
            key("watermark.interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(20))
                    .withDescription(
                            "how often sources emit watermarks (Flink's pipeline.auto-watermark-interval)");

    public static final ConfigOption<Duration> BUFFER_TIMEOUT =
            key("network.buffer-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(10))
                    .withDescription(
                            "longest a partly filled network buffer waits (Flink's execution.buffer-timeout.interval)");

    private JobOptions() {}
}
