package org.sdmstream.job.scoring;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.sdmstream.model.scoring.IncrementalScorerOptions;

/**
 * Settings of SDM scoring (docs/scoring.md): whether the job scores, the model, batching and
 * throttling.
 */
public final class ScoringOptions {

    /** A switch whose {@code auto} follows another setting (see each option). */
    public enum Switch {
        AUTO("auto"),
        TRUE("true"),
        FALSE("false");

        private final String text;

        Switch(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** How the incremental scorer scores several clicks of one user in a batch (a burst). */
    public enum Bursts {
        PREFIX_ROWS("prefix-rows", IncrementalScorerOptions.Bursts.PREFIX_ROWS),
        PLANNED("planned", IncrementalScorerOptions.Bursts.PLANNED),
        STEPPED("stepped", IncrementalScorerOptions.Bursts.STEPPED);

        private final String text;
        private final IncrementalScorerOptions.Bursts scorer;

        Bursts(String text, IncrementalScorerOptions.Bursts scorer) {
            this.text = text;
            this.scorer = scorer;
        }

        public IncrementalScorerOptions.Bursts scorer() {
            return scorer;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Which scorer the operator loads. */
    public enum Scorer {
        INCREMENTAL("incremental"),
        FULL_TOWER("full-tower");

        private final String text;

        Scorer(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public static final ConfigOption<Switch> ENABLED =
            key("scoring.enabled")
                    .enumType(Switch.class)
                    .defaultValue(Switch.AUTO)
                    .withDescription("true/false; auto = score when scoring.model-dir is set");

    public static final ConfigOption<String> MODEL_DIR =
            key("scoring.model-dir")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "exported model directory (docs/model.md): a local path readable on every"
                                    + " TaskManager, or a URI of any Flink file system (file://, s3://, hdfs://), copied once per"
                                    + " machine into a local cache keyed by the model's content hash");

    public static final ConfigOption<Switch> SESSION_FEATURES_OUTPUT =
            key("output.session-features")
                    .enumType(Switch.class)
                    .defaultValue(Switch.AUTO)
                    .withDescription(
                            "also write the per-click SessionFeatures; auto = only when scoring is off");

    public static final ConfigOption<Integer> INTRA_OP_THREADS =
            key("scoring.intra-op-threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "TF intra-op pool of the shared model (0 = TF default: all cores)");

    public static final ConfigOption<Integer> INTER_OP_THREADS =
            key("scoring.inter-op-threads")
                    .intType()
                    .defaultValue(-1)
                    .withDescription(
                            "TF inter-op threads: -1 = the calling subtask's own thread, n > 0 = a pool, 0 = TF default");

    public static final ConfigOption<Integer> BATCH_MAX_SIZE =
            key("scoring.batch.max-size")
                    .intType()
                    .defaultValue(256)
                    .withDescription("a batch is scored as soon as it holds this many clicks");

    public static final ConfigOption<Duration> BATCH_MAX_DELAY =
            key("scoring.batch.max-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "... or when its first click has waited this long (processing time)");

    public static final ConfigOption<Duration> MIN_INTERVAL =
            key("scoring.min-interval")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "per user, at least this much event time between two vectors; 0 = one per click");

    public static final ConfigOption<Scorer> SCORER =
            key("scoring.scorer")
                    .enumType(Scorer.class)
                    .defaultValue(Scorer.INCREMENTAL)
                    .withDescription(
                            "incremental (one SDM step per click from cached state) or full-tower");

    public static final ConfigOption<Integer> STATE_CACHE_MB =
            key("scoring.state-cache-mb")
                    .intType()
                    .defaultValue(256)
                    .withDescription(
                            "memory of the incremental scorer's per-user state cache per TaskManager");

    public static final ConfigOption<Bursts> BURSTS =
            key("scoring.bursts")
                    .enumType(Bursts.class)
                    .defaultValue(Bursts.PREFIX_ROWS)
                    .withDescription(
                            "prefix-rows (a burst of 3+ clicks of one user in a batch: one row of the"
                                    + " full tower), planned (rows only where a cost model finds them"
                                    + " cheaper than steps) or stepped");

    private ScoringOptions() {}
}
