package org.sdmstream.job;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.sdmstream.job.functions.ClickSessionizer;
import org.sdmstream.job.functions.RouteDeadLetters;
import org.sdmstream.job.records.DecodedClick;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming core: clicks → decode/validate (bad ones to dead letters) → watermarks → key by user
 * → {@link ClickSessionizer} → one {@link SessionFeatures} per click. Sources and sinks are
 * constructor arguments (tests hand in their own); {@link KafkaConnectors} builds the Kafka ones.
 */
public final class SessionFeatureJob {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFeatureJob.class);

    private final JobConfig config;
    private final Source<DecodedClick, ?, ?> clicks;
    private final Sink<SessionFeatures> sessionFeatures;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<ClickEvent> lateClicks;

    public SessionFeatureJob(
            JobConfig config,
            Source<DecodedClick, ?, ?> clicks,
            Sink<SessionFeatures> sessionFeatures,
            Sink<DeadLetter> deadLetters,
            Sink<ClickEvent> lateClicks) {
        this.config = config;
        this.clicks = clicks;
        this.sessionFeatures = sessionFeatures;
        this.deadLetters = deadLetters;
        this.lateClicks = lateClicks;
    }

    /** Adds the pipeline to {@code env}. Operator uids are fixed: they tie savepoint state to operators. */
    public void build(StreamExecutionEnvironment env) {
        WatermarkStrategy<DecodedClick> watermarks = WatermarkStrategy
                .<DecodedClick>forBoundedOutOfOrderness(config.watermarkOutOfOrderness())
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTimeForWatermark())
                .withIdleness(config.watermarkIdleness());

        SingleOutputStreamOperator<ClickEvent> valid = env
                .fromSource(clicks, watermarks, "clicks", TypeInformation.of(DecodedClick.class))
                .uid("clicks-source")
                .process(new RouteDeadLetters(), new AvroTypeInfo<>(ClickEvent.class))
                .uid("route-dead-letters")
                .name("route-dead-letters");

        SingleOutputStreamOperator<SessionFeatures> features = valid
                .keyBy(ClickEvent::getUserId)
                .process(new ClickSessionizer(config.sessionizerSettings()), new AvroTypeInfo<>(SessionFeatures.class))
                .uid("click-sessionizer")
                .name("click-sessionizer");

        features.sinkTo(sessionFeatures).uid("session-features-sink").name("session-features-sink");

        DataStream<DeadLetter> allDeadLetters = valid.getSideOutput(RouteDeadLetters.DEAD_LETTERS)
                .union(features.getSideOutput(ClickSessionizer.DEAD_LETTERS));
        allDeadLetters.sinkTo(deadLetters).uid("dead-letters-sink").name("dead-letters-sink");

        features.getSideOutput(ClickSessionizer.LATE_CLICKS)
                .sinkTo(lateClicks).uid("late-clicks-sink").name("late-clicks-sink");
    }

    /** The Flink settings this job's configuration implies: state backend, checkpointing. */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, config.stateBackend());
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, config.incrementalCheckpoints());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        if (!config.checkpointDir().isBlank()) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir());
        }
        return conf;
    }

    /** An environment configured for this job; {@code extra} (may be empty) adds or overrides Flink settings. */
    public static StreamExecutionEnvironment environment(JobConfig config, Configuration extra) {
        Configuration conf = flinkConfiguration(config);
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
        return env;
    }

    /** Builds and runs the job until it ends (a bounded source) or is cancelled. */
    public JobExecutionResult run(Configuration extraFlinkSettings) throws Exception {
        StreamExecutionEnvironment env = environment(config, extraFlinkSettings);
        build(env);
        return env.execute(config.jobName());
    }

    /** Builds and submits the job without waiting for it; the client can stop it with a savepoint. */
    public JobClient start(Configuration extraFlinkSettings) throws Exception {
        StreamExecutionEnvironment env = environment(config, extraFlinkSettings);
        build(env);
        return env.executeAsync(config.jobName());
    }

    /**
     * Runs the job against Kafka: {@code [--config FILE] [key=value ...]}, keys as in docs/streaming.md.
     */
    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromArgs(args);
        LOG.info("starting {} with {}", config.jobName(), config.asMap());
        KafkaConnectors.sessionFeatureJob(config).run(new Configuration());
    }
}
