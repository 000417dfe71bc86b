package org.sdmstream.job.scoring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.sdmstream.features.ModelInput;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.job.ingest.DeadLetters;
import org.sdmstream.model.scoring.BatchScorer;
import org.sdmstream.model.scoring.IncrementalSdmScorer;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the sessionizer's per-click model inputs in micro-batches and emits one {@link
 * UserInterestVector} per input, in input order, with the input's timestamp.
 *
 * <p>Not keyed on purpose: a batch mixes users (what makes batching pay), and nothing here is state
 * that must survive a failure. A batch is scored when it reaches {@link
 * ScoringSettings#maxBatchSize()}, when its first input has waited {@link
 * ScoringSettings#maxBatchDelay()} (processing time), and always before a checkpoint barrier or the
 * end of input passes: so the buffer is empty at every checkpoint (on failure the source replays
 * from the checkpoint and the vectors are recomputed). A watermark that arrives while a batch fills
 * is held back until the batch is scored, so no vector falls behind the watermark it belongs to;
 * watermarks do not cut batches short (they come every {@code watermark.interval}, which would
 * otherwise bound the batch size and raise the cost per click). The model is shared by all subtasks
 * of a TaskManager through {@link SharedScorers}.
 *
 * <p>Model errors never loop: a model that cannot be loaded, or that refuses every input ({@link
 * RefusalRun}), fails the job without a restart ({@link ModelFailures}). When the model throws on a
 * batch, {@link BisectingScorer} finds the inputs it refuses; those go to {@link #DEAD_LETTERS} as
 * {@code SCORING_FAILED} and the rest are scored.
 */
public class UserVectorScorer extends AbstractStreamOperator<UserInterestVector>
        implements OneInputStreamOperator<SessionFeatures, UserInterestVector>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(UserVectorScorer.class);

    /** Inputs the model refused, as dead letters holding the encoded SessionFeatures. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("scoring-dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    /**
     * A TF error can run to pages; the dead letter keeps its start, the TaskManager log has the
     * rest.
     */
    private static final int MAX_DETAIL = 2000;

    private final ScoringSettings settings;

    /**
     * The topic named in a refused input's dead letter: the one whose records have its type
     * (session features).
     */
    private final String inputTopic;

    private transient TaskManagerShared.Lease<BatchScorer> lease;
    private transient BatchScorer scorer;
    // Values and timestamps, not the StreamRecords: with object reuse on, the chained upstream
    // operator
    // hands in the same StreamRecord object for every input.
    private transient List<SessionFeatures> batch;
    private transient long[] timestamps;
    private transient boolean[] hasTimestamp;
    private transient ScheduledFuture<?> scheduledFlush;

    /** The latest watermark that arrived while the batch was filling; forwarded after the batch. */
    private transient Watermark heldWatermark;

    private transient Histogram batchSizes;
    private transient Histogram inferenceMicros;
    private transient Counter vectorsOut;
    private transient Counter scoringFailures;
    private transient RefusalRun refusalRun;
    private transient AvroCodec<SessionFeatures> inputCodec;

    public UserVectorScorer(ScoringSettings settings, String inputTopic) {
        this.settings = settings;
        this.inputTopic = inputTopic;
    }

    @Override
    public void open() throws Exception {
        super.open();
        batch = new ArrayList<>(settings.maxBatchSize());
        timestamps = new long[settings.maxBatchSize()];
        hasTimestamp = new boolean[settings.maxBatchSize()];
        try {
            lease = SharedScorers.acquire(settings);
        } catch (RuntimeException e) {
            throw ModelFailures.notLoadable(settings, e);
        }
        scorer = lease.value();
        refusalRun = new RefusalRun();
        inputCodec = AvroCodec.of(SessionFeatures.class);
        var metrics = getMetricGroup();
        batchSizes =
                metrics.histogram("scoringBatchSize", new DescriptiveStatisticsHistogram(1000));
        inferenceMicros =
                metrics.histogram(
                        "inferenceLatencyMicros", new DescriptiveStatisticsHistogram(1000));
        vectorsOut = metrics.counter("vectorsOut");
        scoringFailures = metrics.counter("scoringFailures");
        String version = scorer.modelVersion();
        metrics.gauge("modelVersion", (Gauge<String>) () -> version);
        if (scorer instanceof IncrementalSdmScorer incremental) {
            IncrementalScorerMetrics.register(metrics, incremental);
        }
    }

    @Override
    public void processElement(StreamRecord<SessionFeatures> element) throws Exception {
        int slot = batch.size();
        batch.add(element.getValue());
        timestamps[slot] = element.getTimestamp();
        hasTimestamp[slot] = element.hasTimestamp();
        if (batch.size() >= settings.maxBatchSize() || settings.maxBatchDelay().isZero()) {
            flush();
        } else if (batch.size() == 1) {
            long due =
                    getProcessingTimeService().getCurrentProcessingTime()
                            + settings.maxBatchDelay().toMillis();
            scheduledFlush = getProcessingTimeService().registerTimer(due, time -> flush());
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (batch.isEmpty()) {
            super.processWatermark(mark);
        } else {
            heldWatermark = mark; // the batch's flush timer is already set
        }
    }

    /**
     * Before the barrier goes downstream: the checkpoint must not hold a click whose vector is only
     * in memory.
     */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            if (scheduledFlush != null) {
                scheduledFlush.cancel(false);
            }
            if (lease != null) {
                lease.close();
                lease = null;
            }
        }
    }

    /** How many inputs wait for their batch; for tests. */
    public int pending() {
        return batch == null ? 0 : batch.size();
    }

    private void flush() throws Exception {
        if (scheduledFlush != null) {
            scheduledFlush.cancel(false);
            scheduledFlush = null;
        }
        if (!batch.isEmpty()) {
            scoreBatch();
        }
        if (heldWatermark != null) {
            Watermark mark = heldWatermark;
            heldWatermark = null;
            super.processWatermark(mark);
        }
    }

    private void scoreBatch() {
        List<ModelInput> inputs = new ArrayList<>(batch.size());
        for (SessionFeatures in : batch) {
            inputs.add(FeatureRecords.toModelInput(in));
        }
        long started = System.nanoTime();
        BisectingScorer.Outcome scored = BisectingScorer.score(scorer, inputs);
        inferenceMicros.update((System.nanoTime() - started) / 1_000);
        batchSizes.update(batch.size());
        long now = getProcessingTimeService().getCurrentProcessingTime();
        String version = scorer.modelVersion();
        // Only refusals in a batch with nothing scored count towards a broken model: a scored input
        // proves it works.
        boolean noneScored = scored.scored() == 0;
        if (!noneScored) {
            refusalRun.scored();
        }
        for (int i = 0; i < batch.size(); i++) {
            SessionFeatures in = batch.get(i);
            if (scored.isRefused(i)) {
                refuse(in, i, scored.refusals()[i], version, now, noneScored);
            } else {
                UserInterestVector v =
                        FeatureRecords.toUserInterestVector(in, scored.vectors()[i], version, now);
                output.collect(atInputTime(i, v));
            }
        }
        vectorsOut.inc(scored.scored());
        if (scored.refused() > 0) {
            LOG.warn(
                    "model {} refused {} of {} inputs, sent to the dead-letter topic as SCORING_FAILED; the first: {}",
                    version,
                    scored.refused(),
                    batch.size(),
                    scored.firstRefusal().toString());
        }
        scored(batch, scored.vectors(), version, now);
        batch.clear();
    }

    /**
     * Called with every scored batch right after its vectors went out (so still before any barrier
     * or held watermark): a subclass emits what it derives from the same batch, e.g.
     * recommendations. The vector of an input the model refused is null.
     */
    protected void scored(
            List<SessionFeatures> inputs,
            float[][] vectors,
            String modelVersion,
            long emissionTime) {}

    private void refuse(
            SessionFeatures in,
            int slot,
            RuntimeException error,
            String version,
            long now,
            boolean noneScored) {
        if (noneScored && refusalRun.refused(in.getUserId())) {
            throw ModelFailures.broken(settings, version, error);
        }
        scoringFailures.inc();
        String detail = "model " + version + " refused the input: " + error;
        DeadLetter letter =
                DeadLetters.ofModelInput(
                        inputTopic,
                        in.getUserId().getBytes(StandardCharsets.UTF_8),
                        inputCodec.encode(in),
                        detail.length() > MAX_DETAIL
                                ? detail.substring(0, MAX_DETAIL) + "..."
                                : detail,
                        now);
        output.collect(DEAD_LETTERS, atInputTime(slot, letter));
    }

    /** {@code value} as a record with the timestamp of the batch's input in {@code slot}. */
    protected final <T> StreamRecord<T> atInputTime(int slot, T value) {
        return hasTimestamp[slot]
                ? new StreamRecord<>(value, timestamps[slot])
                : new StreamRecord<>(value);
    }
}
