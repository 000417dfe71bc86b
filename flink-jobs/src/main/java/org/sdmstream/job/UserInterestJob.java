package org.sdmstream.job;

import java.util.Objects;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.sdmstream.job.ingest.CheckpointedWatermark;
import org.sdmstream.job.ingest.DecodedClick;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.job.ingest.RouteDeadLetters;
import org.sdmstream.job.kafka.KafkaConnectors;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.retrieval.RecommendingVectorScorer;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.job.scoring.ScoringSettings;
import org.sdmstream.job.scoring.UserVectorScorer;
import org.sdmstream.job.scoring.VectorThrottle;
import org.sdmstream.job.sessionizer.ClickSessionizer;
import org.sdmstream.job.sessionizer.SessionizerOperator;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.records.UserRecommendations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job: clicks → decode/validate (bad ones to dead letters) → watermarks → key by user
 * → {@link ClickSessionizer} → per-click model input → (optional per-user {@link VectorThrottle}) →
 * {@link UserVectorScorer} (SDM, micro-batched; inputs the model refuses go to dead letters) → one
 * {@link UserInterestVector} per click, and with {@code retrieval.k} > 0 one {@link
 * UserRecommendations} per click ({@link RecommendingVectorScorer}). With scoring off (no model, or
 * {@code scoring.enabled=false}) it writes one SessionFeatures per click instead; the
 * session-features output (training data) is a switch. Sources and sinks are constructor arguments
 * (tests hand in their own); {@link KafkaConnectors} builds the Kafka ones.
 */
public final class UserInterestJob {

    private static final Logger LOG = LoggerFactory.getLogger(UserInterestJob.class);

    private final JobConfig config;
    private final Source<DecodedClick, ?, ?> clicks;
    private final Sink<UserInterestVector> userVectors;
    private final Sink<SessionFeatures> sessionFeatures;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<ClickEvent> lateClicks;
    private final Sink<UserRecommendations> recommendations;

    /** Null: the scorer {@code scoring.scorer} names. */
    private ScoringSettings.ScorerLoader scorerLoader;

    /** Null: no topic of each user's newest vector. */
    private Sink<UserInterestVector> latestVectors;

    /** The job without recommendations ({@code retrieval.k} must be 0). */
    public UserInterestJob(
            JobConfig config,
            Source<DecodedClick, ?, ?> clicks,
            Sink<UserInterestVector> userVectors,
            Sink<SessionFeatures> sessionFeatures,
            Sink<DeadLetter> deadLetters,
            Sink<ClickEvent> lateClicks) {
        this(config, clicks, userVectors, sessionFeatures, deadLetters, lateClicks, null);
    }

    /**
     * @param userVectors used when scoring is on (may be null otherwise)
     * @param sessionFeatures used when {@code output.session-features} is on (may be null
     *     otherwise)
     * @param recommendations used when {@code retrieval.k} > 0 (may be null otherwise)
     */
    public UserInterestJob(
            JobConfig config,
            Source<DecodedClick, ?, ?> clicks,
            Sink<UserInterestVector> userVectors,
            Sink<SessionFeatures> sessionFeatures,
            Sink<DeadLetter> deadLetters,
            Sink<ClickEvent> lateClicks,
            Sink<UserRecommendations> recommendations) {
        this.config = Objects.requireNonNull(config);
        this.clicks = Objects.requireNonNull(clicks);
        this.userVectors = userVectors;
        this.sessionFeatures = sessionFeatures;
        this.deadLetters = Objects.requireNonNull(deadLetters);
        this.lateClicks = Objects.requireNonNull(lateClicks);
        this.recommendations = recommendations;
        if (config.scoringEnabled() && userVectors == null) {
            throw new IllegalArgumentException("scoring is on but no user-vectors sink was given");
        }
        if (config.writesSessionFeatures() && sessionFeatures == null) {
            throw new IllegalArgumentException(
                    "output.session-features is on but no session-features sink was given");
        }
        if (config.recommends() && recommendations == null) {
            throw new IllegalArgumentException(
                    "retrieval.k > 0 but no recommendations sink was given");
        }
    }

    /**
     * Adds the pipeline to {@code env}. Operator uids are fixed: they tie savepoint state to
     * operators.
     */
    public void build(StreamExecutionEnvironment env) {
        WatermarkStrategy<DecodedClick> watermarks =
                WatermarkStrategy.<DecodedClick>forBoundedOutOfOrderness(
                                config.get(IngestOptions.WATERMARK_OUT_OF_ORDERNESS))
                        .withTimestampAssigner(
                                (record, kafkaTimestamp) -> record.eventTimeForWatermark())
                        .withIdleness(config.get(IngestOptions.WATERMARK_IDLENESS));
        if (!config.get(IngestOptions.WATERMARK_ALIGNMENT_MAX_DRIFT).isZero()) {
            watermarks =
                    watermarks.withWatermarkAlignment(
                            "clicks",
                            config.get(IngestOptions.WATERMARK_ALIGNMENT_MAX_DRIFT),
                            config.get(IngestOptions.WATERMARK_ALIGNMENT_UPDATE_INTERVAL));
        }

        SingleOutputStreamOperator<DecodedClick> decoded =
                env.fromSource(clicks, watermarks, "clicks", TypeInformation.of(DecodedClick.class))
                        .uid("clicks-source");
        if (clicks.getBoundedness() == Boundedness.CONTINUOUS_UNBOUNDED) {
            decoded =
                    decoded.transform(
                                    "checkpointed-watermark",
                                    TypeInformation.of(DecodedClick.class),
                                    new CheckpointedWatermark(
                                            config.get(KafkaOptions.CLICKS_TOPIC),
                                            config.get(IngestOptions.WATERMARK_OUT_OF_ORDERNESS),
                                            config.get(IngestOptions.WATERMARK_IDLENESS)))
                            .uid("checkpointed-watermark");
        }
        SingleOutputStreamOperator<ClickEvent> valid =
                decoded.process(new RouteDeadLetters(), new AvroTypeInfo<>(ClickEvent.class))
                        .uid("route-dead-letters")
                        .name("route-dead-letters");

        SingleOutputStreamOperator<SessionFeatures> features =
                valid.keyBy(ClickEvent::getUserId)
                        .transform(
                                "click-sessionizer",
                                new AvroTypeInfo<>(SessionFeatures.class),
                                new SessionizerOperator(
                                        new ClickSessionizer(config.sessionizerSettings())))
                        .uid("click-sessionizer")
                        .name("click-sessionizer");

        if (config.writesSessionFeatures()) {
            features.sinkTo(sessionFeatures)
                    .uid("session-features-sink")
                    .name("session-features-sink");
        }
        DataStream<DeadLetter> allDeadLetters =
                valid.getSideOutput(RouteDeadLetters.DEAD_LETTERS)
                        .union(features.getSideOutput(ClickSessionizer.DEAD_LETTERS));
        if (config.scoringEnabled()) {
            ScoringSettings scoring = scoringSettings();
            // Here, before anything is submitted: a missing or changed model fails the submission,
            // not the job.
            scoring.checkModel();
            DataStream<SessionFeatures> toScore = features;
            if (!config.get(ScoringOptions.MIN_INTERVAL).isZero()) {
                // Still partitioned by user after the sessionizer: no shuffle, the throttle chains.
                toScore =
                        DataStreamUtils.reinterpretAsKeyedStream(
                                        features, SessionFeatures::getUserId)
                                .process(
                                        new VectorThrottle(config.get(ScoringOptions.MIN_INTERVAL)),
                                        new AvroTypeInfo<>(SessionFeatures.class))
                                .uid("vector-throttle")
                                .name("vector-throttle");
            }
            // The scorer keeps no state, so either class may run under its uid across a savepoint.
            String inputTopic = config.get(KafkaOptions.SESSION_FEATURES_TOPIC);
            UserVectorScorer scorer =
                    config.recommends()
                            ? new RecommendingVectorScorer(
                                    scoring, inputTopic, config.retrievalSettings())
                            : new UserVectorScorer(scoring, inputTopic);
            SingleOutputStreamOperator<UserInterestVector> vectors =
                    toScore.transform(
                                    "user-vector-scorer",
                                    new AvroTypeInfo<>(UserInterestVector.class),
                                    scorer)
                            .uid("user-vector-scorer");
            vectors.sinkTo(userVectors).uid("user-vectors-sink").name("user-vectors-sink");
            if (latestVectors != null) {
                vectors.sinkTo(latestVectors)
                        .uid("latest-vectors-sink")
                        .name("latest-vectors-sink");
            }
            allDeadLetters =
                    allDeadLetters.union(vectors.getSideOutput(UserVectorScorer.DEAD_LETTERS));
            if (config.recommends()) {
                vectors.getSideOutput(RecommendingVectorScorer.RECOMMENDATIONS)
                        .sinkTo(recommendations)
                        .uid("recommendations-sink")
                        .name("recommendations-sink");
            }
        }
        allDeadLetters.sinkTo(deadLetters).uid("dead-letters-sink").name("dead-letters-sink");

        features.getSideOutput(ClickSessionizer.LATE_CLICKS)
                .sinkTo(lateClicks)
                .uid("late-clicks-sink")
                .name("late-clicks-sink");
    }

    /**
     * Also writes every vector to {@code sink}, the topic of each user's newest vector ({@code
     * topic.latest-vectors}, compacted by Kafka), exactly-once like the per-click stream.
     */
    public UserInterestJob withLatestVectors(Sink<UserInterestVector> sink) {
        this.latestVectors = Objects.requireNonNull(sink);
        return this;
    }

    /**
     * Scores with {@code loader} instead of the scorer the configuration names (tests hand in a
     * model that refuses chosen inputs); returns this job.
     */
    public UserInterestJob scoringWith(ScoringSettings.ScorerLoader loader) {
        this.scorerLoader = Objects.requireNonNull(loader);
        return this;
    }

    private ScoringSettings scoringSettings() {
        ScoringSettings configured = config.scoringSettings();
        return scorerLoader == null ? configured : configured.withLoader(scorerLoader);
    }

    /** The Flink settings this job's configuration implies: state backend, checkpointing. */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration conf = new Configuration();
        conf.set(
                StateBackendOptions.STATE_BACKEND, config.get(JobOptions.STATE_BACKEND).toString());
        conf.set(
                CheckpointingOptions.INCREMENTAL_CHECKPOINTS,
                config.get(JobOptions.INCREMENTAL_CHECKPOINTS));
        conf.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                config.get(JobOptions.CHECKPOINT_INTERVAL));
        conf.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.EXACTLY_ONCE);
        // Every operator of this job creates its outputs afresh and keeps no reference to an input
        // it was
        // handed (the scorer copies values out of the reused StreamRecord), so chained operators
        // may pass
        // records without Flink's defensive deep copy, which cost a third of the sessionizer's
        // thread.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        // A click waits in the sessionizer for the next watermark and then, at low load, for a
        // network
        // buffer to fill or time out; Flink's defaults (200 ms, 100 ms) would dominate
        // click-to-vector latency.
        conf.set(
                PipelineOptions.AUTO_WATERMARK_INTERVAL, config.get(JobOptions.WATERMARK_INTERVAL));
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, config.get(JobOptions.BUFFER_TIMEOUT));
        // The Kafka reader pauses single partitions for watermark alignment; a source that cannot
        // (the tests'
        // generator sources) is aligned per subtask only, instead of failing the job.
        conf.set(PipelineOptions.ALLOW_UNALIGNED_SOURCE_SPLITS, true);
        if (!config.get(JobOptions.CHECKPOINT_DIR).isBlank()) {
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    config.get(JobOptions.CHECKPOINT_DIR));
        }
        return conf;
    }

    /**
     * An environment configured for this job; {@code extra} (may be empty) adds or overrides Flink
     * settings.
     */
    public static StreamExecutionEnvironment environment(JobConfig config, Configuration extra) {
        Configuration conf = flinkConfiguration(config);
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (config.get(JobOptions.PARALLELISM) > 0) {
            env.setParallelism(config.get(JobOptions.PARALLELISM));
        }
        return env;
    }

    /** Builds and runs the job until it ends (a bounded source) or is cancelled. */
    public JobExecutionResult run(Configuration extraFlinkSettings) throws Exception {
        StreamExecutionEnvironment env = environment(config, extraFlinkSettings);
        build(env);
        return env.execute(config.get(JobOptions.JOB_NAME));
    }

    /**
     * Builds and submits the job without waiting for it; the client can stop it with a savepoint.
     */
    public JobClient start(Configuration extraFlinkSettings) throws Exception {
        StreamExecutionEnvironment env = environment(config, extraFlinkSettings);
        build(env);
        return env.executeAsync(config.get(JobOptions.JOB_NAME));
    }

    public JobConfig config() {
        return config;
    }

    /**
     * Runs the job against Kafka: {@code [--config FILE] [key=value ...]}, keys as in README.md;
     * the job jar's main class.
     */
    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromArgs(args);
        LOG.info("starting {} with {}", config.get(JobOptions.JOB_NAME), config.asRedactedMap());
        KafkaConnectors.userInterestJob(config).run(new Configuration());
    }
}
