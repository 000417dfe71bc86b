package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.model.scoring.ScorerOptions;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.job.kafka.KafkaConnectors;

/**
 * The scoring job end to end: a tiny SDM trained and exported here, a real in-JVM Kafka broker, a
 * Flink MiniCluster with RocksDB and exactly-once sinks. Every click yields exactly one vector, equal
 * to what the offline scorer gives for the offline replay of the same clicks (no train/serve skew),
 * also across a TaskManager crash.
 */
class UserInterestJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final SessionRules RULES = SessionRules.DEFAULT;
    static final String VERSION = "it-tiny-1";

    @TempDir
    static Path modelTmp;

    static KafkaTestCluster kafka;
    static Path modelDir;
    static SdmScorer reference;

    @BeforeAll
    static void startKafkaAndTrainAModel() throws Exception {
        kafka = KafkaTestCluster.start();
        // Trained on other clicks of the same generator: the streams below also hit items it never saw.
        List<ClickEvent> training = SessionFeatureJobITCase.userClicks(new Random(99), 12, TestClicks.T0,
                TestClicks.T0 + 3 * TestClicks.DAY, "train");
        modelDir = TinyModel.export(training, RULES, modelTmp.resolve("model"), VERSION);
        reference = SdmScorer.load(modelDir, new ScorerOptions(1, 1, 256));
    }

    @AfterAll
    static void stop() throws Exception {
        if (reference != null) {
            reference.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    JobConfig config(String suffix, Path tmp, boolean bounded) {
        return SessionFeatureJobITCase.baseConfig(kafka.bootstrapServers(), suffix, tmp, bounded).with(Map.of(
                "topic.user-vectors", "vectors-" + suffix,
                "scoring.model-dir", modelDir.toString(),
                "scoring.batch.max-size", "16",
                "scoring.batch.max-delay", "5 ms"));
    }

    void createTopics(JobConfig config) throws Exception {
        kafka.createTopics(2, config.clicksTopic(), config.sessionFeaturesTopic(), config.userVectorsTopic(),
                config.deadLettersTopic(), config.lateClicksTopic());
    }

    void produce(JobConfig config, List<ClickEvent> clicks) throws Exception {
        AvroCodec<ClickEvent> codec = AvroCodec.of(ClickEvent.class);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (ClickEvent c : clicks) {
            records.add(new ProducerRecord<>(config.clicksTopic(), SessionFeatureJobITCase.partitionOf(c.getUserId()),
                    (Long) null, c.getUserId().getBytes(StandardCharsets.UTF_8), codec.encode(c)));
        }
        kafka.produce(records);
    }

    static <T extends org.apache.avro.specific.SpecificRecord> List<T> decode(List<ConsumerRecord<byte[], byte[]>> records,
            Class<T> type) {
        AvroCodec<T> codec = AvroCodec.of(type);
        return records.stream().map(r -> codec.decode(r.value())).toList();
    }

    /**
     * Exactly one vector per click; per user in click order, each with the session facts of the offline
     * replay and the offline scorer's vector for the same model input (within 1e-5).
     */
    static void assertVectorsMatchOffline(List<UserInterestVector> output, List<ClickEvent> validClicksInLogOrder) {
        List<ModelInput> expected = TestClicks.offlineModelInputs(validClicksInLogOrder, RULES);
        assertThat(output).hasSize(expected.size());
        float[][] expectedVectors = reference.userVectors(expected);
        Map<String, List<Integer>> expectedByUser = new LinkedHashMap<>();
        for (int i = 0; i < expected.size(); i++) {
            expectedByUser.computeIfAbsent(expected.get(i).userId(), u -> new ArrayList<>()).add(i);
        }
        Map<String, List<UserInterestVector>> actualByUser = new LinkedHashMap<>();
        output.forEach(v -> actualByUser.computeIfAbsent(v.getUserId(), u -> new ArrayList<>()).add(v));
        assertThat(actualByUser.keySet()).containsExactlyInAnyOrderElementsOf(expectedByUser.keySet());
        expectedByUser.forEach((user, indexes) -> {
            List<UserInterestVector> actual = actualByUser.get(user);
            assertThat(actual).as("vectors of " + user).hasSize(indexes.size());
            for (int k = 0; k < indexes.size(); k++) {
                ModelInput in = expected.get(indexes.get(k));
                UserInterestVector v = actual.get(k);
                String what = user + " click " + k;
                assertThat(v.getSessionId()).as(what).isEqualTo(in.sessionId());
                assertThat(v.getSessionLength()).as(what).isEqualTo(in.session().size());
                assertThat(v.getLongTermLength()).as(what).isEqualTo(in.history().size());
                assertThat(v.getEventTime().toEpochMilli()).as(what).isEqualTo(in.eventTime());
                assertThat(v.getModelVersion()).isEqualTo(VERSION);
                assertThat(FeatureRecords.vectorOf(v)).as(what).containsExactly(expectedVectors[indexes.get(k)], within(1e-5f));
            }
        });
    }

    @Test
    void everyClickGetsTheOfflineScorersVectorExactlyOnce(@TempDir Path tmp) throws Exception {
        String suffix = "score-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, true).with("output.session-features", "true");
        createTopics(config);
        Random random = new Random(21);
        List<ClickEvent> clicks = SessionFeatureJobITCase.arrivalOrder(
                SessionFeatureJobITCase.userClicks(random, 20, TestClicks.T0, TestClicks.T0 + 9 * TestClicks.DAY, "s"), random);
        produce(config, clicks);

        long started = System.nanoTime();
        KafkaConnectors.userInterestJob(config).run(SessionFeatureJobITCase.failFast());
        System.out.printf("scoring job over %d clicks finished in %d ms%n", clicks.size(), (System.nanoTime() - started) / 1_000_000);

        List<UserInterestVector> vectors = decode(kafka.readCommitted(config.userVectorsTopic(), clicks.size(),
                Duration.ofSeconds(60)), UserInterestVector.class);
        assertVectorsMatchOffline(vectors, clicks);
        assertThat(vectors).allSatisfy(v -> assertThat(v.getVector()).hasSize(8));
        // Scoring on does not change the logged training data: one SessionFeatures per click as well.
        List<SessionFeatures> features = decode(kafka.readCommitted(config.sessionFeaturesTopic(), clicks.size(),
                Duration.ofSeconds(30)), SessionFeatures.class);
        assertThat(features).hasSize(clicks.size());
    }

    @Test
    void withScoringOffTheSameJobWritesSessionFeaturesOnly(@TempDir Path tmp) throws Exception {
        String suffix = "off-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, true).with("scoring.enabled", "false");
        createTopics(config);
        List<ClickEvent> clicks = List.of(TestClicks.click("u1", "i1", TestClicks.T0),
                TestClicks.click("u1", "i2", TestClicks.T0 + 1000), TestClicks.click("u2", "i1", TestClicks.T0 + 2000));
        produce(config, clicks);
        KafkaConnectors.userInterestJob(config).run(SessionFeatureJobITCase.failFast());
        assertThat(kafka.readCommitted(config.sessionFeaturesTopic(), 3, Duration.ofSeconds(30))).hasSize(3);
        assertThat(kafka.readCommitted(config.userVectorsTopic(), 0, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void aTaskManagerCrashMidStreamLosesAndDuplicatesNoVector(@TempDir Path tmp, @InjectMiniCluster MiniCluster flink)
            throws Exception {
        String suffix = "crash-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, false);
        createTopics(config);
        Random random = new Random(13);
        long split = TestClicks.T0 + 2 * TestClicks.DAY;
        List<ClickEvent> batchA = SessionFeatureJobITCase.arrivalOrder(
                SessionFeatureJobITCase.userClicks(random, 12, TestClicks.T0, split, "a"), random);
        List<ClickEvent> batchB = SessionFeatureJobITCase.arrivalOrder(
                SessionFeatureJobITCase.userClicks(random, 12, split + TestClicks.MINUTE, split + TestClicks.DAY, "b"), random);
        produce(config, batchA);

        Configuration restarts = SessionFeatureJobITCase.failFast();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        JobClient job = KafkaConnectors.userInterestJob(config).start(restarts);
        try {
            long expectedA = SessionFeatureJobITCase.emittedWithoutMoreInput(batchA);
            assertThat(kafka.readCommitted(config.userVectorsTopic(), (int) expectedA, Duration.ofSeconds(90)))
                    .hasSize((int) expectedA);

            // More input; while the job scores it the TaskManager dies with its model, state and open
            // transactions; a new one reloads the model and resumes from the last checkpoint.
            List<ClickEvent> produceB = new ArrayList<>(batchB);
            produceB.addAll(SessionFeatureJobITCase.sentinels(batchB));
            produce(config, produceB);
            Thread.sleep(300);
            flink.terminateTaskManager(0).get();
            flink.startTaskManager();

            List<ClickEvent> all = new ArrayList<>(batchA);
            all.addAll(batchB);
            List<UserInterestVector> vectors = decode(kafka.readCommitted(config.userVectorsTopic(), all.size(),
                    Duration.ofSeconds(120)), UserInterestVector.class);
            assertVectorsMatchOffline(vectors, all);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void aMinimumIntervalCoalescesBurstsButAlwaysEmitsTheNewestClick(@TempDir Path tmp) throws Exception {
        // No Kafka: the job with a bounded test source and collecting sinks, the throttle on.
        Random random = new Random(8);
        List<ClickEvent> clicks = new ArrayList<>(SessionFeatureJobITCase.userClicks(random, 6, TestClicks.T0,
                TestClicks.T0 + 2 * TestClicks.DAY, "m"));
        clicks.sort(java.util.Comparator.comparing(ClickEvent::getEventTime));
        AvroCodec<ClickEvent> codec = AvroCodec.of(ClickEvent.class);
        List<byte[]> values = clicks.stream().map(codec::encode).toList();
        CollectingSink<UserInterestVector> vectors = new CollectingSink<>();
        JobConfig config = config("throttle-" + System.nanoTime(), tmp, true).with(Map.of(
                "scoring.min-interval", "5 min", "job.parallelism", "2"));
        new UserInterestJob(config,
                new org.apache.flink.connector.datagen.source.DataGeneratorSource<>(
                        new SessionFeatureJobITCase.ReplayedValues(values), values.size(),
                        org.apache.flink.api.common.typeinfo.TypeInformation.of(org.sdmstream.job.ingest.DecodedClick.class)),
                vectors, null, new CollectingSink<>(), new CollectingSink<>()).run(SessionFeatureJobITCase.failFast());

        List<ModelInput> all = TestClicks.offlineModelInputs(clicks, RULES);
        Map<String, List<ModelInput>> byUser = new LinkedHashMap<>();
        all.forEach(m -> byUser.computeIfAbsent(m.userId(), u -> new ArrayList<>()).add(m));
        Map<String, List<UserInterestVector>> outByUser = new LinkedHashMap<>();
        vectors.collected().forEach(v -> outByUser.computeIfAbsent(v.getUserId(), u -> new ArrayList<>()).add(v));
        assertThat(vectors.collected().size()).isLessThan(all.size()).isGreaterThan(byUser.size());
        long interval = 5 * TestClicks.MINUTE;
        byUser.forEach((user, inputs) -> {
            List<UserInterestVector> out = outByUser.get(user);
            // The newest click of the user always gets its vector.
            assertThat(out.get(out.size() - 1).getEventTime().toEpochMilli()).isEqualTo(inputs.get(inputs.size() - 1).eventTime());
            // Each emitted vector is the offline one for that click; at most one per interval started by a passed click.
            List<ModelInput> emittedInputs = new ArrayList<>();
            for (UserInterestVector v : out) {
                ModelInput in = inputs.stream().filter(m -> m.eventTime() == v.getEventTime().toEpochMilli()
                        && m.session().size() == v.getSessionLength()).findFirst().orElseThrow();
                emittedInputs.add(in);
            }
            float[][] expected = reference.userVectors(emittedInputs);
            for (int k = 0; k < out.size(); k++) {
                assertThat(FeatureRecords.vectorOf(out.get(k))).containsExactly(expected[k], within(1e-5f));
                if (k > 0) {
                    assertThat(out.get(k).getEventTime()).isAfter(out.get(k - 1).getEventTime());
                }
                if (k >= 2) { // two emissions in a row never both fall inside one interval after a third
                    assertThat(out.get(k).getEventTime().toEpochMilli() - out.get(k - 2).getEventTime().toEpochMilli())
                            .isGreaterThanOrEqualTo(interval);
                }
            }
        });
    }
}
