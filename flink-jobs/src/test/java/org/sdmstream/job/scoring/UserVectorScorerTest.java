package org.sdmstream.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;
import static org.sdmstream.job.TestClicks.MINUTE;
import static org.sdmstream.job.TestClicks.T0;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.job.OperatorMetrics;
import org.sdmstream.job.TestClicks;
import org.sdmstream.job.TinyModel;
import org.sdmstream.job.ingest.DeadLetterReason;
import org.sdmstream.model.scoring.BatchScorer;
import org.sdmstream.model.scoring.ScorerOptions;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;

/** The micro-batching scoring operator on Flink's operator harness with a real exported SDM. */
class UserVectorScorerTest {

    static final SessionRules RULES = SessionRules.DEFAULT;

    @TempDir static Path tmp;

    static Path modelDir;
    static SdmScorer reference;
    static List<SessionFeatures> inputs;

    private final List<OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector>>
            open = new ArrayList<>();

    @BeforeAll
    static void trainTinyModel() {
        Random random = new Random(5);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int u = 0; u < 6; u++) {
            long t = T0 + u * 1000L;
            for (int i = 0; i < 12; i++) {
                clicks.add(TestClicks.click("u" + u, "item-" + random.nextInt(15), t));
                t += (i % 4 == 3 ? 30 : 1) * MINUTE;
            }
        }
        modelDir = TinyModel.export(clicks, RULES, tmp.resolve("model"), "tiny-1");
        reference = SdmScorer.load(modelDir, new ScorerOptions(1, 1, 256));
        inputs =
                TestClicks.offlineModelInputs(clicks, RULES).stream()
                        .map(m -> FeatureRecords.toSessionFeatures(m, 0L))
                        .toList();
    }

    @AfterAll
    static void closeReference() {
        reference.close();
    }

    @AfterEach
    void close() throws Exception {
        for (var h : open) {
            h.close();
        }
    }

    static ScoringSettings settings(int maxBatch, Duration maxDelay) {
        return new ScoringSettings(modelDir.toString(), 1, 1, maxBatch, maxDelay);
    }

    OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> harness(
            ScoringSettings s, OperatorSubtaskState restore) throws Exception {
        var h =
                new OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector>(
                        new UserVectorScorer(s, "session-features"));
        open.add(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static UserVectorScorer operator(
            OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> h) {
        return (UserVectorScorer) h.getOperator();
    }

    static void send(
            OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> h,
            int from,
            int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            h.processElement(
                    new StreamRecord<>(inputs.get(i), inputs.get(i).getEventTime().toEpochMilli()));
        }
    }

    @SuppressWarnings("unchecked")
    static List<StreamRecord<UserInterestVector>> vectors(
            OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof StreamRecord)
                .map(o -> (StreamRecord<UserInterestVector>) o)
                .toList();
    }

    /**
     * Each output is the offline scorer's vector for the input at the same position, with the
     * input's facts.
     */
    static void assertScored(List<StreamRecord<UserInterestVector>> out, int from) {
        assertScored(out, inputs.subList(from, from + out.size()));
    }

    /**
     * The outputs are, one for one and in order, the offline scorer's vectors for {@code
     * scoredInputs}.
     */
    static void assertScored(
            List<StreamRecord<UserInterestVector>> out, List<SessionFeatures> scoredInputs) {
        assertThat(out).hasSameSizeAs(scoredInputs);
        float[][] expected =
                reference.userVectors(
                        scoredInputs.stream().map(FeatureRecords::toModelInput).toList());
        for (int i = 0; i < out.size(); i++) {
            SessionFeatures in = scoredInputs.get(i);
            UserInterestVector v = out.get(i).getValue();
            assertThat(out.get(i).getTimestamp()).isEqualTo(in.getEventTime().toEpochMilli());
            assertThat(v.getUserId()).isEqualTo(in.getUserId());
            assertThat(v.getSessionId()).isEqualTo(in.getSessionId());
            assertThat(v.getSessionLength()).isEqualTo(in.getSessionClicks().size());
            assertThat(v.getLongTermLength()).isEqualTo(in.getHistory().size());
            assertThat(v.getEventTime()).isEqualTo(in.getEventTime());
            assertThat(v.getModelVersion()).isEqualTo("tiny-1");
            assertThat(FeatureRecords.vectorOf(v)).containsExactly(expected[i], within(1e-6f));
        }
    }

    @Test
    void aFullBatchIsScoredAtOnce() throws Exception {
        var h = harness(settings(4, Duration.ofHours(1)), null);
        send(h, 0, 3);
        assertThat(vectors(h)).isEmpty();
        assertThat(operator(h).pending()).isEqualTo(3);
        send(h, 3, 9);
        assertThat(vectors(h)).hasSize(8);
        assertThat(operator(h).pending()).isEqualTo(1);
        assertScored(vectors(h), 0);
    }

    @Test
    void aPartialBatchIsScoredWhenItsFirstInputHasWaitedTheMaxDelay() throws Exception {
        var h = harness(settings(256, Duration.ofMillis(5)), null);
        h.setProcessingTime(1_000);
        send(h, 0, 2);
        h.setProcessingTime(1_002);
        send(h, 2, 3);
        h.setProcessingTime(1_004);
        assertThat(vectors(h)).isEmpty();
        h.setProcessingTime(1_005);
        assertThat(vectors(h)).hasSize(3);
        send(h, 3, 4); // a new batch starts its own clock
        h.setProcessingTime(1_009);
        assertThat(vectors(h)).hasSize(3);
        h.setProcessingTime(1_010);
        assertThat(vectors(h)).hasSize(4);
        assertScored(vectors(h), 0);
        assertThat(vectors(h).get(3).getValue().getEmissionTime().toEpochMilli()).isEqualTo(1_010);
    }

    @Test
    void zeroDelayScoresEveryInputAlone() throws Exception {
        var h = harness(settings(256, Duration.ZERO), null);
        send(h, 0, 5);
        assertThat(vectors(h)).hasSize(5);
        assertScored(vectors(h), 0);
    }

    @Test
    void nothingIsPendingAfterPrepareSnapshotPreBarrierAndARestoredOperatorGoesOn()
            throws Exception {
        var h = harness(settings(256, Duration.ofHours(1)), null);
        send(h, 0, 7);
        assertThat(vectors(h)).isEmpty();
        h.prepareSnapshotPreBarrier(1);
        assertThat(operator(h).pending()).isZero();
        assertThat(vectors(h)).hasSize(7);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        open.remove(h);

        var restored = harness(settings(256, Duration.ofHours(1)), snapshot);
        assertThat(operator(restored).pending()).isZero();
        send(restored, 7, 12);
        restored.prepareSnapshotPreBarrier(2);
        assertThat(vectors(restored)).hasSize(5);
        assertScored(vectors(restored), 7);
    }

    @Test
    void aWatermarkNeverOvertakesTheVectorsBeforeIt() throws Exception {
        var h = harness(settings(256, Duration.ofMillis(5)), null);
        h.setProcessingTime(1_000);
        h.processWatermark(new Watermark(T0 + 10));
        assertThat(new ArrayList<>(h.getOutput()))
                .as("nothing pending: passes at once")
                .containsExactly(new Watermark(T0 + 10));

        send(h, 0, 4);
        h.processWatermark(new Watermark(T0 + 98));
        h.processWatermark(new Watermark(T0 + 99));
        assertThat(h.getOutput()).as("held while the batch fills, not cutting it short").hasSize(1);
        send(h, 4, 6);
        h.setProcessingTime(1_005);
        List<Object> out = new ArrayList<>(h.getOutput());
        assertThat(out).hasSize(1 + 6 + 1);
        assertThat(out.get(7))
                .as("the latest held watermark, after the batch")
                .isEqualTo(new Watermark(T0 + 99));
        assertScored(vectors(h), 0);
    }

    @Test
    void endOfInputFlushes() throws Exception {
        var h = harness(settings(256, Duration.ofHours(1)), null);
        send(h, 0, 6);
        h.endInput();
        assertThat(vectors(h)).hasSize(6);
        assertScored(vectors(h), 0);
    }

    @Test
    void theIncrementalScorersCountersAreGaugesOfTheScorer() throws Exception {
        Map<String, Metric> scorerMetrics = new HashMap<>();
        InterceptingOperatorMetricGroup operatorMetrics =
                new InterceptingOperatorMetricGroup() {
                    @Override
                    public MetricGroup addGroup(String name) {
                        return new InterceptingOperatorMetricGroup() {
                            @Override
                            protected void addMetric(String metric, Metric m) {
                                scorerMetrics.put(name + "." + metric, m);
                            }
                        };
                    }
                };
        InterceptingTaskMetricGroup task = OperatorMetrics.taskGivingEveryOperator(operatorMetrics);
        var h =
                new OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector>(
                        new UserVectorScorer(
                                new ScoringSettings(
                                        modelDir.toString(),
                                        1,
                                        1,
                                        4,
                                        Duration.ofHours(1),
                                        new ScoringSettings.IncrementalLoader(1 << 20)),
                                "session-features"),
                        new MockEnvironmentBuilder().setMetricGroup(task).build());
        open.add(h);
        h.open();
        // (the intercepting group also registers Flink's I/O counters of its own)
        assertThat(scorerMetrics.keySet())
                .containsAll(
                        IncrementalScorerMetrics.GAUGES.keySet().stream()
                                .map(n -> IncrementalScorerMetrics.GROUP + "." + n)
                                .toList());
        long warmUp = gauge(scorerMetrics, "inputs");
        send(h, 0, 8);
        assertThat(vectors(h)).hasSize(8);
        assertThat(gauge(scorerMetrics, "inputs")).isEqualTo(warmUp + 8);
        assertThat(gauge(scorerMetrics, "lookedUp")).isPositive();
        assertThat(gauge(scorerMetrics, "cachedUsers")).isPositive();
    }

    @SuppressWarnings("unchecked")
    private static long gauge(Map<String, Metric> metrics, String name) {
        return ((Gauge<Long>) metrics.get(IncrementalScorerMetrics.GROUP + "." + name)).getValue();
    }

    @Test
    void subtasksInOneJvmShareOneModelUntilTheLastCloses() throws Exception {
        ScoringSettings s = settings(8, Duration.ofMillis(5));
        var a = harness(s, null);
        var b =
                harness(
                        settings(8, Duration.ofMillis(50)),
                        null); // the delay is not part of the model's identity
        assertThat(SharedScorers.references(s)).isEqualTo(2);
        try (TaskManagerShared.Lease<BatchScorer> one = SharedScorers.acquire(s);
                TaskManagerShared.Lease<BatchScorer> two = SharedScorers.acquire(s)) {
            assertThat(one.value()).isSameAs(two.value());
            assertThat(SharedScorers.references(s)).isEqualTo(4);
        }
        a.close();
        open.remove(a);
        assertThat(SharedScorers.references(s)).isEqualTo(1);
        send(b, 0, 8);
        assertScored(vectors(b), 0);
        b.close();
        open.remove(b);
        assertThat(SharedScorers.references(s)).isZero();
        ScoringSettings otherThreads =
                new ScoringSettings(modelDir.toString(), 2, 1, 8, Duration.ZERO);
        assertThat(otherThreads.sharingKey()).isNotEqualTo(s.sharingKey());
    }

    /** Input {@code i} of the fixture, as if clicked by {@code user}. */
    static SessionFeatures asUser(int i, String user) {
        return SessionFeatures.newBuilder(inputs.get(i)).setUserId(user).build();
    }

    static void send(
            OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> h,
            List<SessionFeatures> in)
            throws Exception {
        for (SessionFeatures f : in) {
            h.processElement(new StreamRecord<>(f, f.getEventTime().toEpochMilli()));
        }
    }

    static List<DeadLetter> deadLetters(
            OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> h) {
        var out = h.getSideOutput(UserVectorScorer.DEAD_LETTERS);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void theInputsTheModelRefusesGoToTheDeadLettersAndTheRestOfTheirBatchIsScored()
            throws Exception {
        var h =
                harness(
                        settings(8, Duration.ofHours(1)).withLoader(RefusingScorer.MARKED_USERS),
                        null);
        List<SessionFeatures> batch = new ArrayList<>(inputs.subList(0, 8));
        batch.set(2, asUser(2, RefusingScorer.REFUSED_PREFIX + "a"));
        batch.set(5, asUser(5, RefusingScorer.REFUSED_PREFIX + "b"));
        send(h, batch);

        List<SessionFeatures> accepted = new ArrayList<>(batch);
        accepted.remove(5);
        accepted.remove(2);
        assertScored(vectors(h), accepted);
        List<DeadLetter> dead = deadLetters(h);
        assertThat(dead).hasSize(2);
        AvroCodec<SessionFeatures> codec = AvroCodec.of(SessionFeatures.class);
        for (int k = 0; k < 2; k++) {
            SessionFeatures refused = batch.get(k == 0 ? 2 : 5);
            DeadLetter d = dead.get(k);
            assertThat(d.getReason()).isEqualTo(DeadLetterReason.SCORING_FAILED.name());
            assertThat(d.getSourceTopic()).isEqualTo("session-features");
            assertThat(d.getPartition()).isEqualTo(-1);
            assertThat(d.getOffset()).isEqualTo(-1L);
            assertThat(StandardCharsets.UTF_8.decode(d.getKey()).toString())
                    .isEqualTo(refused.getUserId());
            assertThat(codec.decode(bytes(d.getValue())))
                    .as("the raw input, to replay")
                    .isEqualTo(refused);
            assertThat(d.getDetail())
                    .isEqualTo(
                            "model tiny-1 refused the input: java.lang.IllegalArgumentException:"
                                    + " test model refuses the input of "
                                    + refused.getUserId());
        }
        var deadRecords = new ArrayList<>(h.getSideOutput(UserVectorScorer.DEAD_LETTERS));
        assertThat(deadRecords.get(0).getTimestamp())
                .as("the input's time")
                .isEqualTo(batch.get(2).getEventTime().toEpochMilli());
        assertThat(operator(h).pending()).isZero();
    }

    @Test
    void aModelThatRefusesAHundredInputsOfThreeUsersInARowFailsTheJobWithoutRestarts()
            throws Exception {
        ScoringSettings broken = settings(256, Duration.ZERO).withLoader(RefusingScorer.EVERY_USER);
        var h = harness(broken, null);
        for (int i = 1; i < RefusalRun.BROKEN_MODEL_INPUTS; i++) {
            send(h, List.of(asUser(i % inputs.size(), "user-" + i % 3)));
        }
        assertThat(deadLetters(h))
                .as("until then each refused input is a dead letter")
                .hasSize(RefusalRun.BROKEN_MODEL_INPUTS - 1);

        Throwable failure = catchThrowable(() -> send(h, List.of(asUser(0, "user-0"))));
        assertThat(failure).isInstanceOf(SuppressRestartsException.class);
        assertThat(ExecutionFailureHandler.isUnrecoverableError(failure))
                .as("Flink does not restart the job")
                .isTrue();
        assertThat(failure.getCause())
                .hasMessageContaining(
                        "the model in "
                                + modelDir
                                + " (version tiny-1) refused 100"
                                + " inputs in a row, of 3 or more users, with none scored in between: the model is broken, not the inputs");
        assertThat(vectors(h)).isEmpty();
        open.remove(h);
        operator(h).close(); // as a failed task does: no finish, which would score the failed batch
        // again
        assertThat(SharedScorers.references(broken)).isZero();
    }

    @Test
    void aModelThatCannotBeLoadedFailsTheTaskWithoutRestarts() throws Exception {
        Path missing = tmp.resolve("no-such-model");
        var h =
                new OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector>(
                        new UserVectorScorer(
                                new ScoringSettings(missing.toString(), 1, 1, 8, Duration.ZERO),
                                "session-features"));
        Throwable failure = catchThrowable(h::open);
        assertThat(failure).isInstanceOf(SuppressRestartsException.class);
        assertThat(ExecutionFailureHandler.isUnrecoverableError(failure))
                .as("Flink does not restart the job")
                .isTrue();
        assertThat(failure.getCause())
                .hasMessage(
                        "the model in "
                                + missing
                                + " (scoring.model-dir) could not be loaded: "
                                + missing
                                + " is not an exported model: no saved_model.pb; the job fails without restarting"
                                + " (a restart would load the same model)");
    }

    @Test
    void checkModelRefusesAMissingOrChangedModelNamingTheDirectoryAndTheProblem() throws Exception {
        Path missing = tmp.resolve("not-there");
        assertThatThrownBy(
                        () ->
                                new ScoringSettings(missing.toString(), 1, 1, 8, Duration.ZERO)
                                        .checkModel())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "cannot score with the model in "
                                + missing
                                + " (scoring.model-dir): "
                                + missing
                                + " is not an exported model: no saved_model.pb; the job was not submitted");

        Path changed = tmp.resolve("changed-model");
        try (var files = Files.walk(modelDir)) {
            for (Path from : files.toList()) {
                Files.copy(from, changed.resolve(modelDir.relativize(from).toString()));
            }
        }
        Path vocabulary;
        try (var files = Files.list(changed.resolve("vocab"))) {
            vocabulary = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
        Files.writeString(vocabulary, "an-extra-line\n", StandardOpenOption.APPEND);
        assertThatThrownBy(
                        () ->
                                new ScoringSettings(changed.toString(), 1, 1, 8, Duration.ZERO)
                                        .checkModel())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "cannot score with the model in " + changed + " (scoring.model-dir): ")
                .hasMessageContaining(vocabulary.getFileName().toString())
                .hasMessageEndingWith("; the job was not submitted");

        settings(8, Duration.ZERO).checkModel();
        assertThat(SharedScorers.references(settings(8, Duration.ZERO))).as("freed again").isZero();
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> new ScoringSettings("", 1, 1, 8, Duration.ZERO))
                .hasMessageContaining("scoring.model-dir");
        assertThatThrownBy(() -> settings(0, Duration.ZERO)).hasMessageContaining("max-size");
        String dir = modelDir.toString();
        assertThatThrownBy(() -> new ScoringSettings(dir, -1, 1, 8, Duration.ZERO))
                .hasMessageStartingWith(
                        "TF intra-op threads must be >= 0 and inter-op threads >= -1");
        assertThatThrownBy(() -> new ScoringSettings(dir, 1, -2, 8, Duration.ZERO))
                .hasMessageStartingWith(
                        "TF intra-op threads must be >= 0 and inter-op threads >= -1");
        assertThatThrownBy(() -> settings(8, Duration.ofMillis(-1)))
                .hasMessage("scoring.batch.max-delay must not be negative");
        assertThatThrownBy(() -> new ScoringSettings(dir, 1, 1, 8, Duration.ZERO, null))
                .hasMessage("no scorer loader");
        ScoringSettings valid = new ScoringSettings(dir, 2, -1, 64, Duration.ofMillis(5));
        assertThat(valid.scorerOptions()).isEqualTo(new ScorerOptions(2, -1, 64));
        assertThat(valid.loader()).isSameAs(ScoringSettings.FULL_TOWER);
        assertThat(valid.withLoader(RefusingScorer.MARKED_USERS))
                .isEqualTo(
                        new ScoringSettings(
                                dir, 2, -1, 64, Duration.ofMillis(5), RefusingScorer.MARKED_USERS));
    }
}
