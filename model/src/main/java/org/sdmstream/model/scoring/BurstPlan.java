package org.sdmstream.model.scoring;

/**
 * Chooses which lanes of a call are scored by prefix rows ({@link PrefixRunner}) and which are
 * stepped, by a cost model of the two kinds of run: a step run costs a fixed part plus one part per
 * lane, and a call steps as many rounds as its longest stepped lane needs; a prefix run costs a
 * larger fixed part plus one row per lane, each row priced as the tower over all T positions (the
 * narrower towers of {@link PrefixRunner} make short rows cheaper than this model says). Prefix
 * rows go to the lanes that need the most steps, as many as lowers the total.
 *
 * <p>The costs are in units of one lane of one step run (about 19 µs of CPU at 256 lanes), measured
 * with ScorerBenchmark at the default sizes (D 64, T 50) and the job's thread settings (inter-op
 * threads -1): one lane of one click per call costs about 220 µs, so a step run's fixed part is
 * about 12 lanes; a prefix run of one row about 1.4 ms, of 21 rows 8.1 ms and of 85 rows 27.6 ms,
 * so a row costs about 17 lanes and a prefix run's fixed part about 57 (docs/benchmarks.md, "Fewer
 * look-ups and conversions, bursts by cost"). A row is taken at 18 lanes (0.36 per position, scaled
 * by the model's T): the steps of many lanes cost less per lane than the linear model says (at 256
 * lanes, 12 rounds of 21 cost no more than one of 256), and a wrong prefix row costs more than a
 * wrong step. So a lone lane goes by a prefix row from 6 steps on, while 85 lanes of 3 steps or 21
 * of 12 are stepped.
 *
 * <p>Used with {@link IncrementalScorerOptions.Bursts#PLANNED} (job key {@code
 * scoring.bursts=planned}); the default stays the 3-step rule, which was ahead replaying ml-100k
 * through the job. Left out of the model, and likely why: the session-values run and history
 * look-ups a stepped cold lane needs and a row does not, rows of many users read from memory rather
 * than cache, and inputs of a lane after its chain (a second session in one call, which the default
 * rule scores by prefix rows in the same tower runs as the first chains and this plan steps). Only
 * the speed depends on the choice; every path gives the full tower's vectors.
 */
final class BurstPlan {

    /** The fixed cost of one step run. */
    static final double STEP_RUN = 12;

    /** The fixed cost of one prefix run. */
    static final double PREFIX_RUN = 57;

    /** One prefix row, per position of the tower (18 lanes of steps for a row of 50). */
    static final double PREFIX_ROW_PER_POSITION = 18.0 / 50;

    private BurstPlan() {}

    /**
     * How many lanes, taken in the order given, prefix rows should score.
     *
     * @param steps the steps each lane needs to score its inputs, longest first
     * @param maxBatch the most lanes of one run
     * @param positions the tower's T (the positions a prefix row computes)
     */
    static int prefixLanes(int[] steps, int maxBatch, int positions) {
        int lanes = steps.length;
        if (lanes == 0) {
            return 0;
        }
        for (int i = 0; i < lanes; i++) {
            if (steps[i] < 0 || (i > 0 && steps[i] > steps[i - 1])) {
                throw new IllegalArgumentException(
                        "steps must be at least 0 and sorted longest first");
            }
        }
        int longest = steps[0];
        // atLeast[r] = lanes needing at least r steps
        int[] atLeast = new int[longest + 2];
        long total = 0;
        for (int k : steps) {
            atLeast[k]++;
            total += k;
        }
        for (int r = longest - 1; r >= 0; r--) {
            atLeast[r] += atLeast[r + 1];
        }
        double row = PREFIX_ROW_PER_POSITION * positions;
        int best = 0;
        double bestCost = Double.MAX_VALUE;
        long steppedSteps = total;
        for (int j = 0; j <= lanes; j++) {
            if (j > 0) {
                steppedSteps -= steps[j - 1];
            }
            // the lanes after the first j step; round r runs the ones needing at least r steps
            double cost = steppedSteps;
            int rounds = j < lanes ? steps[j] : 0;
            for (int r = 1; r <= rounds; r++) {
                int active = atLeast[r] - j;
                cost += STEP_RUN * ceilDiv(active, maxBatch);
            }
            if (j > 0) {
                cost += PREFIX_RUN * ceilDiv(j, maxBatch) + row * j;
            }
            if (cost < bestCost) { // ties keep the fewer prefix rows
                bestCost = cost;
                best = j;
            }
        }
        return best;
    }

    /** Runs for {@code a} lanes at most {@code b} per run. */
    private static long ceilDiv(int a, int b) {
        return ((long) a + b - 1) / b;
    }
}
