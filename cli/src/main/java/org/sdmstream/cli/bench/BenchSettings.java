package org.sdmstream.cli.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * @param scoringModel when not null, also run the job with scoring on, with this model, over the
 *     same clicks
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
        Path scoringModel,
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
        if (topK > 0 && scoringModel == null) {
            throw new IllegalArgumentException(
                    "--top-k searches the scoring model's items: it needs --scoring");
        }
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

    /** The throughput phase whose measured rate a latency phase halves. */
    static String throughputPhaseOf(String latencyPhase) {
        return latencyPhase.equals("latency") ? "at-least-once" : "scored-at-least-once";
    }

    boolean runs(String phase) {
        return phases.contains(phase) && (!phase.equals("scored-top-k") || topK > 0);
    }
}
