package org.sdmstream.job;

import java.util.Map;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.sdmstream.job.ingest.DecodedClick;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.job.kafka.KafkaConnectors;

/**
 * The {@link UserInterestJob} with scoring off and the session-features output on: clicks → sessions
 * → one {@link SessionFeatures} per click. Kept so callers of the session-feature job need not change.
 */
public final class SessionFeatureJob {

    private final UserInterestJob job;

    public SessionFeatureJob(
            JobConfig config,
            Source<DecodedClick, ?, ?> clicks,
            Sink<SessionFeatures> sessionFeatures,
            Sink<DeadLetter> deadLetters,
            Sink<ClickEvent> lateClicks) {
        this.job = new UserInterestJob(sessionFeaturesOnly(config), clicks, null, sessionFeatures, deadLetters, lateClicks);
    }

    /** The configuration with scoring off and session features written. */
    public static JobConfig sessionFeaturesOnly(JobConfig config) {
        return config.with(Map.of("scoring.enabled", "false", "output.session-features", "true"));
    }

    public void build(StreamExecutionEnvironment env) {
        job.build(env);
    }

    public static Configuration flinkConfiguration(JobConfig config) {
        return UserInterestJob.flinkConfiguration(config);
    }

    public static StreamExecutionEnvironment environment(JobConfig config, Configuration extra) {
        return UserInterestJob.environment(config, extra);
    }

    public JobExecutionResult run(Configuration extraFlinkSettings) throws Exception {
        return job.run(extraFlinkSettings);
    }

    public JobClient start(Configuration extraFlinkSettings) throws Exception {
        return job.start(extraFlinkSettings);
    }

    /** Runs the session-feature job against Kafka: {@code [--config FILE] [key=value ...]}. */
    public static void main(String[] args) throws Exception {
        KafkaConnectors.sessionFeatureJob(JobConfig.fromArgs(args)).run(new Configuration());
    }
}
