package org.sdmstream.job.scoring;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.util.function.SerializableFunction;
import org.sdmstream.model.scoring.BatchScorer;
import org.sdmstream.model.scoring.IncrementalScorerOptions;
import org.sdmstream.model.scoring.IncrementalSdmScorer;
import org.sdmstream.model.scoring.ScorerOptions;
import org.sdmstream.model.scoring.SdmBatchScorer;
import org.sdmstream.model.scoring.SdmScorer;

/**
 * How the scoring operator loads its model and batches clicks: the model directory, TF thread
 * pools, the batch bounds, and which {@link BatchScorer} implementation to load (the full tower by
 * default; an incremental scorer plugs in here without touching the operator).
 */
public record ScoringSettings(
        String modelDir,
        int intraOpThreads,
        int interOpThreads,
        int maxBatchSize,
        Duration maxBatchDelay,
        ScorerLoader loader)
        implements Serializable {

    /**
     * Builds the scorer from the settings; runs once per TaskManager for a given {@link
     * #sharingKey()}.
     */
    @FunctionalInterface
    public interface ScorerLoader extends SerializableFunction<ScoringSettings, BatchScorer> {}

    /** Every click through the whole exported SDM graph. */
    public static final ScorerLoader FULL_TOWER = ScoringSettings::loadFullTower;

    /**
     * One step of the SDM tower per click from carried per-user state (the model's {@code step}
     * signature), with the state cached in memory up to {@code cacheBytes}: identical vectors,
     * about 5x less CPU per click (docs/scoring-model.md). The cache is not Flink state: a miss
     * (first click of a session, restart, rescale) rebuilds it from the full session that every
     * input carries.
     */
    public record IncrementalLoader(long cacheBytes, IncrementalScorerOptions.Bursts bursts)
            implements ScorerLoader {

        /** With bursts by prefix rows (the default). */
        public IncrementalLoader(long cacheBytes) {
            this(cacheBytes, IncrementalScorerOptions.Bursts.PREFIX_ROWS);
        }

        @Override
        public BatchScorer apply(ScoringSettings s) {
            return IncrementalSdmScorer.load(
                    ModelCache.localDirectory(s.modelDir()),
                    new IncrementalScorerOptions(s.scorerOptions(), cacheBytes, bursts));
        }
    }

    public ScoringSettings {
        if (modelDir == null || modelDir.isBlank()) {
            throw new IllegalArgumentException(
                    "scoring needs a model directory (scoring.model-dir)");
        }
        if (intraOpThreads < 0 || interOpThreads < -1) {
            throw new IllegalArgumentException(
                    "TF intra-op threads must be >= 0 and inter-op threads >= -1 "
                            + "(0 = TF's default, -1 = the calling thread)");
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("scoring.batch.max-size must be >= 1");
        }
        if (maxBatchDelay == null || maxBatchDelay.isNegative()) {
            throw new IllegalArgumentException("scoring.batch.max-delay must not be negative");
        }
        if (loader == null) {
            throw new IllegalArgumentException("no scorer loader");
        }
    }

    public ScoringSettings(
            String modelDir,
            int intraOpThreads,
            int interOpThreads,
            int maxBatchSize,
            Duration maxBatchDelay) {
        this(modelDir, intraOpThreads, interOpThreads, maxBatchSize, maxBatchDelay, FULL_TOWER);
    }

    /**
     * Subtasks whose settings share this key share one loaded scorer (the batch delay does not
     * matter).
     */
    public String sharingKey() {
        String model =
                ModelCache.isUri(modelDir)
                        ? modelDir
                        : Path.of(modelDir).toAbsolutePath().normalize().toString();
        return model
                + "|intra="
                + intraOpThreads
                + "|inter="
                + interOpThreads
                + "|batch="
                + maxBatchSize
                + "|loader="
                + (loader instanceof IncrementalLoader ? loader : loader.getClass().getName());
    }

    /**
     * Checks the model where the job is built, so a missing or changed model fails the submission
     * with the reason instead of the running job: its layout and files against the hashes its
     * export recorded (a model by URI: its metadata and that every recorded file is there). No
     * TensorFlow is loaded here: the JobManager runs {@code main} for REST and application-mode
     * submissions, and TensorFlow's classes and native pools there would outlive each submission.
     * What needs TensorFlow (the signature, the op allow-list, the tables' sizes) is checked when a
     * TaskManager loads the model, which fails the job without restarts (docs/scoring.md).
     *
     * @throws IllegalArgumentException naming the directory and what is wrong with it
     */
    public void checkModel() {
        try {
            if (ModelCache.isUri(modelDir)) {
                ModelCache.checkRemote(modelDir);
            } else {
                SdmScorer.checkFiles(Path.of(modelDir));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot score with the model in "
                            + modelDir
                            + " ("
                            + ScoringOptions.MODEL_DIR.key()
                            + "): "
                            + e.getMessage()
                            + "; the job was not submitted",
                    e);
        }
    }

    /** These settings with another scorer. */
    public ScoringSettings withLoader(ScorerLoader other) {
        return new ScoringSettings(
                modelDir, intraOpThreads, interOpThreads, maxBatchSize, maxBatchDelay, other);
    }

    public ScorerOptions scorerOptions() {
        return new ScorerOptions(intraOpThreads, interOpThreads, maxBatchSize);
    }

    private static BatchScorer loadFullTower(ScoringSettings s) {
        return SdmBatchScorer.load(ModelCache.localDirectory(s.modelDir()), s.scorerOptions());
    }
}
