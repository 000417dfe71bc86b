package org.sdmstream.cli.job;

import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.KafkaConnectors;
import org.sdmstream.job.SessionFeatureJob;

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
        return new StreamingPipeline() {
            @Override
            public String name() {
                return "session-features";
            }

            @Override
            public Prepared prepare(Map<String, String> settings) {
                JobConfig config = JobConfig.of(settings);
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
                        return config.sessionFeaturesTopic();
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
                        return SessionFeatureJob.flinkConfiguration(config);
                    }

                    @Override
                    public void build(StreamExecutionEnvironment env) {
                        KafkaConnectors.sessionFeatureJob(config).build(env);
                    }

                    @Override
                    public Map<String, String> settings() {
                        return config.asMap();
                    }
                };
            }
        };
    }

    /** The pipelines by name; the scoring job joins here when it lands. */
    static StreamingPipeline byName(String name) {
        if (name.equals("session-features")) {
            return sessionFeatures();
        }
        throw new IllegalArgumentException("unknown pipeline '" + name + "'; known: session-features");
    }
}
