package org.sdmstream.cli.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sdmstream.cli.demo.DemoModel;

/**
 * What one benchmark run does.
 *
 * @param clicks clicks pre-filled into the input topic for the throughput phases
 * @param users generated users
 * @param items generated catalogue size
 * @param seed generator seed
 * @param partitions partitions of the clicks topic
 * @param parallelism Flink parallelism
 * @param checkpointInterval checkpoint interval (exactly-once outputs become visible at each
 *     checkpoint)
 * @param latencyClicks clicks whose latency is measured in the latency phase
 * @param latencyRate input rate of the latency phase, clicks/s; 0 = half the measured at-least-once
 *     maximum
 * @param stallTimeout a phase fails when no output arrives for this long
 * @param compareHeap also run the at-least-once phase on the heap state backend, for the ratio
 * @param scoringModels also run the job with scoring on, with each of these models in turn, over
 *     the same clicks (none: unscored only)
 * @param warmupClicks clicks of an unmeasured at-least-once run before the first phase of each job
 *     (JIT warm-up)
 * @param jobSettings job configuration keys set on every job under test (after the bench's own)
 * @param phases the throughput/latency phases to run (names as in {@link #PHASES}); the others are
 *     skipped
 * @param topK with a scoring model, also run {@code scored-top-k}: scoring plus {@code retrieval.k
 *     = topK}; 0 = not
 */
record BenchSettings(
        long clicks,
        int users,
        int items,
        long seed,
        int partitions,
        int parallelism,
        Duration checkpointInterval,
        long latencyClicks,
        double latencyRate,
        Duration stallTimeout,
        boolean compareHeap,
        List<ScoringModel> scoringModels,
        long warmupClicks,
        Map<String, String> jobSettings,
        Set<String> phases,
        int topK) {

    /** Every phase, in the order they run. */
    static final List<String> PHASES =
            List.of(
                    "exactly-once",
                    "at-least-once",
                    "heap",
                    "latency",
                    "scored-at-least-once",
                    "scored-top-k",
                    "scored-exactly-once",
                    "scored-latency");

    /**
     * @throws IllegalArgumentException for an unknown phase, a latency phase without its throughput
     *     phase (whose half rate it uses) and without a rate of its own, or a top-K without a
     *     scoring model
     */
    BenchSettings {
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must be >= 0, got " + topK);
        }
        if (topK > 0 && scoringModels.isEmpty()) {
            throw new IllegalArgumentException(
                    "--top-k searches the scoring model's items: it needs --scoring");
        }
        scoringModels = List.copyOf(scoringModels);
        if (!PHASES.containsAll(phases)) {
            throw new IllegalArgumentException(
                    "unknown phase in --phases "
                            + phases
                            + "; known: "
                            + String.join(", ", PHASES));
        }
        for (String phase : List.of("latency", "scored-latency")) {
            if (phases.contains(phase)
                    && !phases.contains(throughputPhaseOf(phase))
                    && latencyRate <= 0) {
                throw new IllegalArgumentException(
                        "--phases "
                                + phase
                                + " without "
                                + throughputPhaseOf(phase)
                                + " needs --latency-rate");
            }
        }
    }

    /**
     * A model the scored phases run with.
     *
     * @param label its name in the report: {@code small}, {@code default}, or the directory's name
     *     for {@code --model}
     * @param width its vector width (0 when unknown)
     */
    record ScoringModel(String label, int width, Path dir) {

        /** How the report names it, e.g. "default (width 64)". */
        String describe() {
            return width > 0 ? label + " (width " + width + ")" : label;
        }
    }

    /**
     * The model sizes {@code --model-size} names: {@code default}, {@code small} or {@code both}
     * (default first).
     *
     * @throws IllegalArgumentException for any other value
     */
    static List<DemoModel.Size> modelSizes(String option) {
        return switch (option.toLowerCase(java.util.Locale.ROOT)) {
            case "both" -> List.of(DemoModel.Size.DEFAULT, DemoModel.Size.SMALL);
            case "default" -> List.of(DemoModel.Size.DEFAULT);
            case "small" -> List.of(DemoModel.Size.SMALL);
            default ->
                    throw new IllegalArgumentException(
                            "--model-size must be default, small or both, not " + option);
        };
    }

    boolean scored() {
        return !scoringModels.isEmpty();
    }

    /** The throughput phase whose measured rate a latency phase halves. */
    static String throughputPhaseOf(String latencyPhase) {
        return latencyPhase.equals("latency") ? "at-least-once" : "scored-at-least-once";
    }

    boolean runs(String phase) {
        return phases.contains(phase) && (!phase.equals("scored-top-k") || topK > 0);
    }
}
