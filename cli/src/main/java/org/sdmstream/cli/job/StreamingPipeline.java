package org.sdmstream.cli.job;

import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.kafka.KafkaConnectors;
import org.sdmstream.job.UserInterestJob;
import org.sdmstream.records.SessionFeatures;

/**
 * A streaming job the command line can run locally ({@code sdm job}, {@code sdm bench}): it checks its
 * {@code key=value} settings and adds itself to a Flink environment. The session-feature job is one;
 * the scoring job (user interest vectors) plugs in as another without changing the commands.
 */
public interface StreamingPipeline {

    /** The pipeline's name, as {@code --pipeline} takes it. */
    String name();

    /** Checks {@code settings} (unknown keys and bad values are errors) and returns the job to run. */
    Prepared prepare(Map<String, String> settings);

    /** A configured job: its topics, its Flink settings, and how to add it to an environment. */
    interface Prepared {
        String jobName();

        /** 0 = the environment's default. */
        int parallelism();

        String bootstrapServers();

        String clicksTopic();

        /** The topic with one output per click (session features, or user interest vectors when scoring). */
        String outputTopic();

        String deadLettersTopic();

        String lateClicksTopic();

        /** State backend, checkpointing and any other Flink settings the job's configuration implies. */
        Configuration flinkConfiguration();

        void build(StreamExecutionEnvironment env);

        /** Every setting with its value, defaults included (for the log). */
        Map<String, String> settings();
    }

    /** The session-feature job (clicks to one SessionFeatures per click), configured by {@link JobConfig}. */
    static StreamingPipeline sessionFeatures() {
        return userInterest("session-features", Map.of("scoring.enabled", "false"));
    }

    /**
     * The scoring job (clicks to one SDM user interest vector per click); needs {@code scoring.model-dir}.
     */
    static StreamingPipeline userVectors() {
        return userInterest("user-vectors", Map.of("scoring.enabled", "true"));
    }

    /** {@link UserInterestJob} with {@code fixed} settings on top of the caller's. */
    private static StreamingPipeline userInterest(String name, Map<String, String> fixed) {
        return new StreamingPipeline() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Prepared prepare(Map<String, String> settings) {
                JobConfig config = JobConfig.of(settings).with(fixed);
                return new Prepared() {
                    @Override
                    public String jobName() {
                        return config.jobName();
                    }

                    @Override
                    public int parallelism() {
                        return config.parallelism();
                    }

                    @Override
                    public String bootstrapServers() {
                        return config.bootstrapServers();
                    }

                    @Override
                    public String clicksTopic() {
                        return config.clicksTopic();
                    }

                    @Override
                    public String outputTopic() {
                        return config.scoringEnabled() ? config.userVectorsTopic() : config.sessionFeaturesTopic();
                    }

                    @Override
                    public String deadLettersTopic() {
                        return config.deadLettersTopic();
                    }

                    @Override
                    public String lateClicksTopic() {
                        return config.lateClicksTopic();
                    }

                    @Override
                    public Configuration flinkConfiguration() {
                        return UserInterestJob.flinkConfiguration(config);
                    }

                    @Override
                    public void build(StreamExecutionEnvironment env) {
                        KafkaConnectors.userInterestJob(config).build(env);
                    }

                    @Override
                    public Map<String, String> settings() {
                        return config.asMap();
                    }
                };
            }
        };
    }

    /** The pipelines by name. */
    static StreamingPipeline byName(String name) {
        return switch (name) {
            case "session-features" -> sessionFeatures();
            case "user-vectors" -> userVectors();
            default -> throw new IllegalArgumentException(
                    "unknown pipeline '" + name + "'; known: session-features, user-vectors");
        };
    }
}
