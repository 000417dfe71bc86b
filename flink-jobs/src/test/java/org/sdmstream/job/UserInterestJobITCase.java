package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sdmstream.job.KafkaJobFixture.emittedWithoutMoreInput;
import static org.sdmstream.job.KafkaJobFixture.failFast;
import static org.sdmstream.job.KafkaJobFixture.sentinels;

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
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.kafka.KafkaConnectors;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.retrieval.RetrievalOptions;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.model.retrieval.IndexKind;
import org.sdmstream.model.retrieval.ItemIndex;
import org.sdmstream.model.retrieval.SessionRecommender;
import org.sdmstream.model.scoring.ScorerOptions;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.records.UserRecommendations;
import org.sdmstream.wire.AvroCodec;

/**
 * The scoring job end to end: a tiny SDM trained and exported here, a real in-JVM Kafka broker, a
 * Flink MiniCluster with RocksDB and exactly-once sinks. Every click yields exactly one vector,
 * equal to what the offline scorer gives for the offline replay of the same clicks (no train/serve
 * skew), also across a TaskManager crash.
 */
class UserInterestJobITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = KafkaJobFixture.miniCluster();

    @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

    static final SessionRules RULES = OfflineParity.RULES;
    static final String VERSION = "it-tiny-1";

    @TempDir static Path modelTmp;

    static Path modelDir;
    static SdmScorer reference;

    @BeforeAll
    static void trainAModel() throws Exception {
        // Trained on other clicks of the same generator: the streams below also hit items it never
        // saw.
        List<ClickEvent> training =
                TestClicks.userClicks(
                        new Random(99),
                        12,
                        TestClicks.T0,
                        TestClicks.T0 + 3 * TestClicks.DAY,
                        "train");
        modelDir = TinyModel.export(training, RULES, modelTmp.resolve("model"), VERSION);
        reference = SdmScorer.load(modelDir, new ScorerOptions(1, 1, 256));
    }

    @AfterAll
    static void stop() throws Exception {
        if (reference != null) {
            reference.close();
        }
    }

    JobConfig.Builder config(String suffix, Path tmp, boolean bounded) {
        return KAFKA.config(suffix, tmp, bounded)
                .set(ScoringOptions.MODEL_DIR, modelDir.toString())
                .set(ScoringOptions.BATCH_MAX_SIZE, 16)
                .set(ScoringOptions.BATCH_MAX_DELAY, Duration.ofMillis(5));
    }

    /**
     * Exactly one vector per click; per user in click order, each with the session facts of the
     * offline replay and the offline scorer's vector for the same model input (within 1e-5).
     */
    static void assertVectorsMatchOffline(
            List<UserInterestVector> output, List<ClickEvent> validClicksInLogOrder) {
        List<ModelInput> expected = TestClicks.offlineModelInputs(validClicksInLogOrder, RULES);
        assertThat(output).hasSize(expected.size());
        float[][] expectedVectors = reference.userVectors(expected);
        Map<String, List<Integer>> expectedByUser = new LinkedHashMap<>();
        for (int i = 0; i < expected.size(); i++) {
            expectedByUser.computeIfAbsent(expected.get(i).userId(), u -> new ArrayList<>()).add(i);
        }
        Map<String, List<UserInterestVector>> actualByUser = new LinkedHashMap<>();
        output.forEach(
                v -> actualByUser.computeIfAbsent(v.getUserId(), u -> new ArrayList<>()).add(v));
        assertThat(actualByUser.keySet())
                .containsExactlyInAnyOrderElementsOf(expectedByUser.keySet());
        expectedByUser.forEach(
                (user, indexes) -> {
                    List<UserInterestVector> actual = actualByUser.get(user);
                    assertThat(actual).as("vectors of " + user).hasSize(indexes.size());
                    for (int k = 0; k < indexes.size(); k++) {
                        ModelInput in = expected.get(indexes.get(k));
                        UserInterestVector v = actual.get(k);
                        String what = user + " click " + k;
                        assertThat(v.getSessionId()).as(what).isEqualTo(in.sessionId());
                        assertThat(v.getSessionLength()).as(what).isEqualTo(in.session().size());
                        assertThat(v.getLongTermLength()).as(what).isEqualTo(in.history().size());
                        assertThat(v.getEventTime().toEpochMilli())
                                .as(what)
                                .isEqualTo(in.eventTime());
                        assertThat(v.getModelVersion()).isEqualTo(VERSION);
                        assertThat(FeatureRecords.vectorOf(v))
                                .as(what)
                                .containsExactly(expectedVectors[indexes.get(k)], within(1e-5f));
                    }
                });
    }

    @Test
    void everyClickGetsTheOfflineScorersVectorExactlyOnce(@TempDir Path tmp) throws Exception {
        String suffix = "score-" + System.nanoTime();
        JobConfig config =
                config(suffix, tmp, true)
                        .set(ScoringOptions.SESSION_FEATURES_OUTPUT, ScoringOptions.Switch.TRUE)
                        .set(KafkaOptions.LATEST_VECTORS_TOPIC, "latest-vectors-" + suffix)
                        .build();
        KAFKA.createTopics(config);
        KAFKA.createLatestVectorsTopic(config);
        Random random = new Random(21);
        List<ClickEvent> clicks =
                TestClicks.arrivalOrder(
                        TestClicks.userClicks(
                                random, 20, TestClicks.T0, TestClicks.T0 + 9 * TestClicks.DAY, "s"),
                        random);
        KAFKA.produceClicks(config, clicks);

        long started = System.nanoTime();
        KafkaConnectors.userInterestJob(config).run(failFast());
        System.out.printf(
                "scoring job over %d clicks finished in %d ms%n",
                clicks.size(), (System.nanoTime() - started) / 1_000_000);

        List<UserInterestVector> vectors =
                KAFKA.readCommitted(
                        config.get(KafkaOptions.USER_VECTORS_TOPIC),
                        clicks.size(),
                        Duration.ofSeconds(60),
                        UserInterestVector.class);
        assertVectorsMatchOffline(vectors, clicks);
        assertThat(vectors).allSatisfy(v -> assertThat(v.getVector()).hasSize(8));
        // The compacted topic: the same vectors keyed by user, so each user's last record is their
        // newest vector.
        Map<String, UserInterestVector> newest = new LinkedHashMap<>();
        vectors.forEach(v -> newest.put(v.getUserId(), v));
        Map<String, UserInterestVector> latest = new LinkedHashMap<>();
        KAFKA.readCommitted(
                        config.get(KafkaOptions.LATEST_VECTORS_TOPIC),
                        newest.size(),
                        Duration.ofSeconds(30))
                .forEach(
                        r ->
                                latest.put(
                                        new String(
                                                r.key(), java.nio.charset.StandardCharsets.UTF_8),
                                        AvroCodec.of(UserInterestVector.class).decode(r.value())));
        assertThat(latest).isEqualTo(newest);
        // Scoring on does not change the logged training data: one SessionFeatures per click as
        // well, each the
        // offline replay's model input of its click.
        List<SessionFeatures> features =
                KAFKA.readCommitted(
                        config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                        clicks.size(),
                        Duration.ofSeconds(30),
                        SessionFeatures.class);
        OfflineParity.assertSessionFeaturesMatch(features, clicks);
    }

    @Test
    void everyClickGetsTheOfflineTopKExactlyOnce(@TempDir Path tmp) throws Exception {
        String suffix = "topk-" + System.nanoTime();
        int k = 10;
        JobConfig config = config(suffix, tmp, true).set(RetrievalOptions.K, k).build();
        KAFKA.createTopics(config);
        Random random = new Random(34);
        List<ClickEvent> clicks =
                TestClicks.arrivalOrder(
                        TestClicks.userClicks(
                                random, 16, TestClicks.T0, TestClicks.T0 + 5 * TestClicks.DAY, "r"),
                        random);
        KAFKA.produceClicks(config, clicks);
        KafkaConnectors.userInterestJob(config).run(failFast());

        List<UserRecommendations> output =
                KAFKA.readCommitted(
                        config.get(RetrievalOptions.RECOMMENDATIONS_TOPIC),
                        clicks.size(),
                        Duration.ofSeconds(60),
                        UserRecommendations.class);
        // Offline: the same model inputs, the offline scorer, the same index class, the same
        // exclusion.
        List<ModelInput> inputs = TestClicks.offlineModelInputs(clicks, RULES);
        ItemIndex index = ItemIndex.load(modelDir, IndexKind.AUTO);
        List<ItemIndex.TopItems> expected =
                new SessionRecommender(reference, index, k, true).recommend(inputs);
        assertThat(output).hasSize(inputs.size());
        Map<String, List<Integer>> expectedByUser = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            expectedByUser.computeIfAbsent(inputs.get(i).userId(), u -> new ArrayList<>()).add(i);
        }
        Map<String, List<UserRecommendations>> actualByUser = new LinkedHashMap<>();
        output.forEach(
                r -> actualByUser.computeIfAbsent(r.getUserId(), u -> new ArrayList<>()).add(r));
        assertThat(actualByUser.keySet())
                .containsExactlyInAnyOrderElementsOf(expectedByUser.keySet());
        expectedByUser.forEach(
                (user, indexes) -> {
                    List<UserRecommendations> actual = actualByUser.get(user);
                    assertThat(actual).as("recommendations of " + user).hasSize(indexes.size());
                    for (int j = 0; j < indexes.size(); j++) {
                        ModelInput in = inputs.get(indexes.get(j));
                        ItemIndex.TopItems want = expected.get(indexes.get(j));
                        UserRecommendations got = actual.get(j);
                        String what = user + " click " + j;
                        assertThat(got.getSessionId()).as(what).isEqualTo(in.sessionId());
                        assertThat(got.getSessionPosition())
                                .as(what)
                                .isEqualTo(in.session().size());
                        assertThat(got.getEventTime().toEpochMilli())
                                .as(what)
                                .isEqualTo(in.eventTime());
                        assertThat(got.getModelVersion()).isEqualTo(VERSION);
                        assertThat(got.getItemIds())
                                .as(what)
                                .hasSize(k)
                                .containsExactlyElementsOf(want.itemIds())
                                .doesNotContainAnyElementsOf(SessionRecommender.sessionItems(in));
                        float[] scores = new float[k];
                        for (int s = 0; s < k; s++) {
                            scores[s] = got.getScores().get(s);
                        }
                        assertThat(scores).as(what).containsExactly(want.scores(), within(1e-5f));
                    }
                });
    }

    @Test
    void withScoringOffTheSameJobWritesSessionFeaturesOnly(@TempDir Path tmp) throws Exception {
        String suffix = "off-" + System.nanoTime();
        JobConfig config =
                config(suffix, tmp, true)
                        .set(ScoringOptions.ENABLED, ScoringOptions.Switch.FALSE)
                        .build();
        KAFKA.createTopics(config);
        List<ClickEvent> clicks =
                List.of(
                        TestClicks.click("u1", "i1", TestClicks.T0),
                        TestClicks.click("u1", "i2", TestClicks.T0 + 1000),
                        TestClicks.click("u2", "i1", TestClicks.T0 + 2000));
        KAFKA.produceClicks(config, clicks);
        KafkaConnectors.userInterestJob(config).run(failFast());
        OfflineParity.assertSessionFeaturesMatch(
                KAFKA.readCommitted(
                        config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                        3,
                        Duration.ofSeconds(30),
                        SessionFeatures.class),
                clicks);
        assertThat(
                        KAFKA.readCommitted(
                                config.get(KafkaOptions.USER_VECTORS_TOPIC),
                                0,
                                Duration.ofSeconds(1)))
                .isEmpty();
    }

    @Test
    void aTaskManagerCrashMidStreamLosesAndDuplicatesNoVector(
            @TempDir Path tmp, @InjectMiniCluster MiniCluster flink) throws Exception {
        String suffix = "crash-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, false).build();
        KAFKA.createTopics(config);
        Random random = new Random(13);
        long split = TestClicks.T0 + 2 * TestClicks.DAY;
        List<ClickEvent> batchA =
                TestClicks.arrivalOrder(
                        TestClicks.userClicks(random, 12, TestClicks.T0, split, "a"), random);
        List<ClickEvent> batchB =
                TestClicks.arrivalOrder(
                        TestClicks.userClicks(
                                random, 12, split + TestClicks.MINUTE, split + TestClicks.DAY, "b"),
                        random);
        KAFKA.produceClicks(config, batchA);

        Configuration restarts = failFast();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        JobClient job = KafkaConnectors.userInterestJob(config).start(restarts);
        try {
            long expectedA = emittedWithoutMoreInput(batchA);
            assertThat(
                            KAFKA.readCommitted(
                                    config.get(KafkaOptions.USER_VECTORS_TOPIC),
                                    (int) expectedA,
                                    Duration.ofSeconds(90)))
                    .hasSize((int) expectedA);

            // More input; while the job scores it the TaskManager dies with its model, state and
            // open
            // transactions; a new one reloads the model and resumes from the last checkpoint.
            List<ClickEvent> produceB = new ArrayList<>(batchB);
            produceB.addAll(sentinels(batchB));
            KAFKA.produceClicks(config, produceB);
            Thread.sleep(300);
            KafkaJobFixture.crashTaskManager(flink);

            List<ClickEvent> all = new ArrayList<>(batchA);
            all.addAll(batchB);
            List<UserInterestVector> vectors =
                    KAFKA.readCommitted(
                            config.get(KafkaOptions.USER_VECTORS_TOPIC),
                            all.size(),
                            Duration.ofSeconds(120),
                            UserInterestVector.class);
            assertVectorsMatchOffline(vectors, all);
            KafkaJobFixture.assertRestoredFromCheckpoint(flink, job);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * The crash above in its narrowest window, made certain: a completed checkpoint covers the
     * whole input, the sentinels included, but the watermark that would release it left the source
     * after that checkpoint's barrier (here: sources emit watermarks every 10 min, after the test).
     * Flink checkpoints no watermark, and the restored sources have nothing more to read: unless
     * the job restores its watermark, the clicks wait in the sessionizer for input that never
     * comes.
     */
    @Test
    void aCrashBetweenTheCheckpointAndTheWatermarkOfItsInputLosesNoVector(
            @TempDir Path tmp, @InjectMiniCluster MiniCluster flink) throws Exception {
        String suffix = "crash-watermark-" + System.nanoTime();
        JobConfig config =
                config(suffix, tmp, false)
                        .set(JobOptions.WATERMARK_INTERVAL, Duration.ofMinutes(10))
                        .build();
        KAFKA.createTopics(config);
        Random random = new Random(21);
        List<ClickEvent> clicks =
                TestClicks.arrivalOrder(
                        TestClicks.userClicks(
                                random, 8, TestClicks.T0, TestClicks.T0 + TestClicks.DAY, "w"),
                        random);
        List<ClickEvent> produce = new ArrayList<>(clicks);
        produce.addAll(sentinels(clicks));
        KAFKA.produceClicks(config, produce);

        Configuration restarts = failFast();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        JobClient job = KafkaConnectors.userInterestJob(config).start(restarts);
        try {
            KAFKA.awaitCheckpointCoversInput(config, Duration.ofSeconds(60));
            KafkaJobFixture.crashTaskManager(flink);

            List<UserInterestVector> vectors =
                    KAFKA.readCommitted(
                            config.get(KafkaOptions.USER_VECTORS_TOPIC),
                            clicks.size(),
                            Duration.ofSeconds(60),
                            UserInterestVector.class);
            assertVectorsMatchOffline(vectors, clicks);
            KafkaJobFixture.assertRestoredFromCheckpoint(flink, job);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void aMinimumIntervalCoalescesBurstsButAlwaysEmitsTheNewestClick(@TempDir Path tmp)
            throws Exception {
        // No Kafka: the job with a bounded test source and collecting sinks, the throttle on.
        Random random = new Random(8);
        List<ClickEvent> clicks =
                new ArrayList<>(
                        TestClicks.userClicks(
                                random, 6, TestClicks.T0, TestClicks.T0 + 2 * TestClicks.DAY, "m"));
        clicks.sort(java.util.Comparator.comparing(ClickEvent::getEventTime));
        AvroCodec<ClickEvent> codec = AvroCodec.of(ClickEvent.class);
        List<byte[]> values = clicks.stream().map(codec::encode).toList();
        CollectingSink<UserInterestVector> vectors = new CollectingSink<>();
        JobConfig config =
                config("throttle-" + System.nanoTime(), tmp, true)
                        .set(ScoringOptions.MIN_INTERVAL, Duration.ofMinutes(5))
                        .set(JobOptions.PARALLELISM, 2)
                        .build();
        new UserInterestJob(
                        config,
                        ReplayedClicks.source(values),
                        vectors,
                        null,
                        new CollectingSink<>(),
                        new CollectingSink<>())
                .run(failFast());

        List<ModelInput> all = TestClicks.offlineModelInputs(clicks, RULES);
        Map<String, List<ModelInput>> byUser = new LinkedHashMap<>();
        all.forEach(m -> byUser.computeIfAbsent(m.userId(), u -> new ArrayList<>()).add(m));
        Map<String, List<UserInterestVector>> outByUser = new LinkedHashMap<>();
        vectors.collected()
                .forEach(
                        v ->
                                outByUser
                                        .computeIfAbsent(v.getUserId(), u -> new ArrayList<>())
                                        .add(v));
        assertThat(vectors.collected().size()).isLessThan(all.size()).isGreaterThan(byUser.size());
        long interval = 5 * TestClicks.MINUTE;
        byUser.forEach(
                (user, inputs) -> {
                    List<UserInterestVector> out = outByUser.get(user);
                    // The newest click of the user always gets its vector.
                    assertThat(out.get(out.size() - 1).getEventTime().toEpochMilli())
                            .isEqualTo(inputs.get(inputs.size() - 1).eventTime());
                    // Each emitted vector is the offline one for that click; at most one per
                    // interval started by a passed click.
                    List<ModelInput> emittedInputs = new ArrayList<>();
                    for (UserInterestVector v : out) {
                        ModelInput in =
                                inputs.stream()
                                        .filter(
                                                m ->
                                                        m.eventTime()
                                                                        == v.getEventTime()
                                                                                .toEpochMilli()
                                                                && m.session().size()
                                                                        == v.getSessionLength())
                                        .findFirst()
                                        .orElseThrow();
                        emittedInputs.add(in);
                    }
                    float[][] expected = reference.userVectors(emittedInputs);
                    for (int k = 0; k < out.size(); k++) {
                        assertThat(FeatureRecords.vectorOf(out.get(k)))
                                .containsExactly(expected[k], within(1e-5f));
                        if (k > 0) {
                            assertThat(out.get(k).getEventTime())
                                    .isAfter(out.get(k - 1).getEventTime());
                        }
                        if (k >= 2) { // two emissions in a row never both fall inside one
                            // interval after a third
                            assertThat(
                                            out.get(k).getEventTime().toEpochMilli()
                                                    - out.get(k - 2).getEventTime().toEpochMilli())
                                    .isGreaterThanOrEqualTo(interval);
                        }
                    }
                });
    }
}
