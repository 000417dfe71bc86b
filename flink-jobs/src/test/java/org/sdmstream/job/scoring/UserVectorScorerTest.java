package org.sdmstream.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sdmstream.job.TestClicks.MINUTE;
import static org.sdmstream.job.TestClicks.T0;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.TestClicks;
import org.sdmstream.job.TinyModel;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.model.scoring.ScorerOptions;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;

/** The micro-batching scoring operator on Flink's operator harness with a real exported SDM. */
class UserVectorScorerTest {

    static final SessionRules RULES = SessionRules.DEFAULT;

    @TempDir
    static Path tmp;

    static Path modelDir;
    static SdmScorer reference;
    static List<SessionFeatures> inputs;

    private final List<OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector>> open = new ArrayList<>();

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
        inputs = TestClicks.offlineModelInputs(clicks, RULES).stream()
                .map(m -> FeatureRecords.toSessionFeatures(m, 0L)).toList();
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

    OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> harness(ScoringSettings s,
            OperatorSubtaskState restore) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector>(new UserVectorScorer(s));
        open.add(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static UserVectorScorer operator(OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> h) {
        return (UserVectorScorer) h.getOperator();
    }

    static void send(OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> h, int from, int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            h.processElement(new StreamRecord<>(inputs.get(i), inputs.get(i).getEventTime().toEpochMilli()));
        }
    }

    @SuppressWarnings("unchecked")
    static List<StreamRecord<UserInterestVector>> vectors(OneInputStreamOperatorTestHarness<SessionFeatures, UserInterestVector> h) {
        return h.getOutput().stream().filter(o -> o instanceof StreamRecord)
                .map(o -> (StreamRecord<UserInterestVector>) o).toList();
    }

    /** Each output is the offline scorer's vector for the input at the same position, with the input's facts. */
    static void assertScored(List<StreamRecord<UserInterestVector>> out, int from) {
        List<ModelInput> expectedInputs = inputs.subList(from, from + out.size()).stream()
                .map(FeatureRecords::toModelInput).toList();
        float[][] expected = reference.userVectors(expectedInputs);
        for (int i = 0; i < out.size(); i++) {
            SessionFeatures in = inputs.get(from + i);
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
    void nothingIsPendingAfterPrepareSnapshotPreBarrierAndARestoredOperatorGoesOn() throws Exception {
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
        assertThat(new ArrayList<>(h.getOutput())).as("nothing pending: passes at once")
                .containsExactly(new Watermark(T0 + 10));

        send(h, 0, 4);
        h.processWatermark(new Watermark(T0 + 98));
        h.processWatermark(new Watermark(T0 + 99));
        assertThat(h.getOutput()).as("held while the batch fills, not cutting it short").hasSize(1);
        send(h, 4, 6);
        h.setProcessingTime(1_005);
        List<Object> out = new ArrayList<>(h.getOutput());
        assertThat(out).hasSize(1 + 6 + 1);
        assertThat(out.get(7)).as("the latest held watermark, after the batch").isEqualTo(new Watermark(T0 + 99));
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
    void subtasksInOneJvmShareOneModelUntilTheLastCloses() throws Exception {
        ScoringSettings s = settings(8, Duration.ofMillis(5));
        var a = harness(s, null);
        var b = harness(settings(8, Duration.ofMillis(50)), null); // the delay is not part of the model's identity
        assertThat(SharedScorers.references(s)).isEqualTo(2);
        try (SharedScorers.Lease one = SharedScorers.acquire(s); SharedScorers.Lease two = SharedScorers.acquire(s)) {
            assertThat(one.scorer()).isSameAs(two.scorer());
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
        ScoringSettings otherThreads = new ScoringSettings(modelDir.toString(), 2, 1, 8, Duration.ZERO);
        assertThat(otherThreads.sharingKey()).isNotEqualTo(s.sharingKey());
    }

    @Test
    void settingsRefuseNonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ScoringSettings("", 1, 1, 8, Duration.ZERO))
                .hasMessageContaining("scoring.model-dir");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings(0, Duration.ZERO))
                .hasMessageContaining("max-size");
        assertThat(Map.of()).isEmpty();
    }
}
