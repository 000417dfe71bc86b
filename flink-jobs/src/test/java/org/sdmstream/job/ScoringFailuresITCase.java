package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;
import static org.sdmstream.job.KafkaJobFixture.failFast;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.ingest.DeadLetterReason;
import org.sdmstream.job.kafka.KafkaConnectors;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.scoring.RefusingScorer;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.model.scoring.ScorerOptions;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;

/**
 * Model errors end to end (MiniCluster, real broker, a tiny SDM): inputs the model refuses become
 * SCORING_FAILED dead letters while every other click is scored; a model broken for every input, or
 * one that cannot load, ends the job (or its submission) instead of restarting it forever. The
 * refusing model is a real one wrapped by {@link RefusingScorer}, so these run here rather than on
 * the standalone cluster.
 */
class ScoringFailuresITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = KafkaJobFixture.miniCluster();

    @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

    static final SessionRules RULES = OfflineParity.RULES;
    static final Set<String> REFUSED = Set.of("user-3", "user-7");

    @TempDir static Path modelTmp;

    static Path modelDir;
    static SdmScorer reference;

    @BeforeAll
    static void trainAModel() {
        List<ClickEvent> training =
                TestClicks.userClicks(
                        new Random(98),
                        12,
                        TestClicks.T0,
                        TestClicks.T0 + 3 * TestClicks.DAY,
                        "train");
        modelDir = TinyModel.export(training, RULES, modelTmp.resolve("model"), "it-tiny");
        reference = SdmScorer.load(modelDir, new ScorerOptions(1, 1, 256));
    }

    @AfterAll
    static void stop() {
        if (reference != null) {
            reference.close();
        }
    }

    JobConfig.Builder config(String suffix, Path tmp) {
        return KAFKA.config(suffix, tmp, true)
                .set(ScoringOptions.MODEL_DIR, modelDir.toString())
                .set(ScoringOptions.BATCH_MAX_SIZE, 16)
                .set(ScoringOptions.BATCH_MAX_DELAY, Duration.ofMillis(5));
    }

    /**
     * Clicks of 12 users, those of {@link #REFUSED} renamed so that {@link
     * RefusingScorer#MARKED_USERS} refuses them.
     */
    static List<ClickEvent> clicks(long seed) {
        Random random = new Random(seed);
        List<ClickEvent> clicks =
                TestClicks.userClicks(
                                random, 12, TestClicks.T0, TestClicks.T0 + 5 * TestClicks.DAY, "f")
                        .stream()
                        .map(
                                c ->
                                        REFUSED.contains(c.getUserId())
                                                ? ClickEvent.newBuilder(c)
                                                        .setUserId(
                                                                RefusingScorer.REFUSED_PREFIX
                                                                        + c.getUserId())
                                                        .build()
                                                : c)
                        .toList();
        return TestClicks.arrivalOrder(clicks, random);
    }

    static boolean refused(String user) {
        return user.startsWith(RefusingScorer.REFUSED_PREFIX);
    }

    @Test
    void theInputsTheModelRefusesBecomeDeadLettersAndEveryOtherClickIsScored(@TempDir Path tmp)
            throws Exception {
        String suffix = "refused-" + System.nanoTime();
        JobConfig config = config(suffix, tmp).build();
        KAFKA.createTopics(config);
        List<ClickEvent> clicks = clicks(31);
        KAFKA.produceClicks(config, clicks);

        KafkaConnectors.userInterestJob(config)
                .scoringWith(RefusingScorer.MARKED_USERS)
                .run(failFast());

        List<ModelInput> expected = TestClicks.offlineModelInputs(clicks, RULES);
        List<ModelInput> scorable = expected.stream().filter(in -> !refused(in.userId())).toList();
        List<ModelInput> refusedInputs =
                expected.stream().filter(in -> refused(in.userId())).toList();
        assertThat(refusedInputs).hasSizeGreaterThan(20);

        List<UserInterestVector> vectors =
                KAFKA.readCommitted(
                        config.get(KafkaOptions.USER_VECTORS_TOPIC),
                        scorable.size(),
                        Duration.ofSeconds(60),
                        UserInterestVector.class);
        assertThat(vectors).hasSize(scorable.size());
        float[][] offline = reference.userVectors(scorable);
        Map<String, List<UserInterestVector>> byUser = new LinkedHashMap<>();
        vectors.forEach(v -> byUser.computeIfAbsent(v.getUserId(), u -> new ArrayList<>()).add(v));
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < scorable.size(); i++) {
            ModelInput in = scorable.get(i);
            int k = seen.merge(in.userId(), 1, Integer::sum) - 1;
            UserInterestVector v = byUser.get(in.userId()).get(k);
            assertThat(v.getEventTime().toEpochMilli())
                    .as("%s click %d", in.userId(), k)
                    .isEqualTo(in.eventTime());
            assertThat(FeatureRecords.vectorOf(v))
                    .as("%s click %d", in.userId(), k)
                    .containsExactly(offline[i], within(1e-5f));
        }

        List<DeadLetter> dead =
                KAFKA.readCommitted(
                        config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                        refusedInputs.size(),
                        Duration.ofSeconds(60),
                        DeadLetter.class);
        assertThat(dead).hasSize(refusedInputs.size());
        AvroCodec<SessionFeatures> codec = AvroCodec.of(SessionFeatures.class);
        Map<String, List<ModelInput>> deadByUser = new LinkedHashMap<>();
        for (DeadLetter d : dead) {
            assertThat(d.getReason()).isEqualTo(DeadLetterReason.SCORING_FAILED.name());
            assertThat(d.getSourceTopic())
                    .isEqualTo(config.get(KafkaOptions.SESSION_FEATURES_TOPIC));
            assertThat(d.getOffset()).isEqualTo(-1L);
            ModelInput in = FeatureRecords.toModelInput(codec.decode(bytes(d.getValue())));
            deadByUser.computeIfAbsent(in.userId(), u -> new ArrayList<>()).add(in);
        }
        Map<String, List<ModelInput>> refusedByUser = new LinkedHashMap<>();
        refusedInputs.forEach(
                in -> refusedByUser.computeIfAbsent(in.userId(), u -> new ArrayList<>()).add(in));
        assertThat(deadByUser)
                .as(
                        "each refused click's own model input, in click order, as the offline replay has it")
                .isEqualTo(refusedByUser);
    }

    @Test
    void aModelBrokenForEveryInputFailsTheJobWithoutRestarting(@TempDir Path tmp) throws Exception {
        String suffix = "broken-" + System.nanoTime();
        JobConfig config = config(suffix, tmp).build();
        KAFKA.createTopics(config);
        KAFKA.produceClicks(config, clicks(32));
        // Restarts as the standalone cluster allows them: a restart loop would outlast the test by
        // far.
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1000);
        restarts.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));

        long started = System.nanoTime();
        Throwable failure =
                catchThrowable(
                        () ->
                                KafkaConnectors.userInterestJob(config)
                                        .scoringWith(RefusingScorer.EVERY_USER)
                                        .run(restarts));
        long seconds = (System.nanoTime() - started) / 1_000_000_000;

        assertThat(failure).isNotNull();
        assertThat(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class))
                .isPresent();
        assertThat(ExceptionUtils.stringifyException(failure))
                .contains(
                        "the model in "
                                + modelDir
                                + " (version it-tiny) refused 100 inputs in a row, of 3 or more users, with none scored in between");
        assertThat(seconds).as("failed at once, not after a run of restarts").isLessThan(60);
    }

    @Test
    void aMissingModelFailsTheSubmissionNamingTheDirectoryAndNoJobStarts(
            @TempDir Path tmp, @InjectClusterClient ClusterClient<?> client) throws Exception {
        Path missing = tmp.resolve("no-model-here");
        String suffix = "missing-" + System.nanoTime();
        JobConfig config =
                config(suffix, tmp).set(ScoringOptions.MODEL_DIR, missing.toString()).build();

        assertThatThrownBy(() -> KafkaConnectors.userInterestJob(config).run(failFast()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "cannot score with the model in "
                                + missing
                                + " (scoring.model-dir): "
                                + missing
                                + " is not an exported model: no saved_model.pb; the job was not submitted");
        assertThat(client.listJobs().get())
                .noneMatch(job -> job.getJobName().equals("it-" + suffix));
    }

    static byte[] bytes(java.nio.ByteBuffer buffer) {
        java.nio.ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
