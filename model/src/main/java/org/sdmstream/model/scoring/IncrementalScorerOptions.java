package org.sdmstream.model.scoring;

/**
 * Settings of {@link IncrementalSdmScorer}: the TF pools and batch cap of the underlying model
 * ({@link ScorerOptions}) and the most bytes of carried per-user state kept in memory (least
 * recently used users are evicted first; an evicted user's next click rebuilds its state from the
 * input), and how a burst of one user's clicks in a call is scored (docs/scoring-model.md).
 */
public record IncrementalScorerOptions(ScorerOptions scorer, long cacheBytes, Bursts bursts) {

    /**
     * How a call scores several clicks of one user (a burst). Measured (docs/benchmarks.md, "Fewer
     * look-ups and conversions, bursts by cost"): replaying ml-100k through the job, {@link
     * #PREFIX_ROWS} ran 3.4 and 3.8 % more clicks per second than {@link #PLANNED} in two
     * alternated pairs (generated clicks: one pair each way); on carried states (JMH), {@link
     * #PLANNED} cost up to 5 times less than {@link #PREFIX_ROWS} for many short bursts.
     */
    public enum Bursts {
        /** One step per click, one round per click of the longest burst. */
        STEPPED,
        /**
         * One prefix row of the tower per burst that needs at least {@link
         * IncrementalSdmScorer#PREFIX_MIN_STEPS} steps, whatever the rest of the call (the
         * default).
         */
        PREFIX_ROWS,
        /** Prefix rows where {@link BurstPlan}'s cost model finds them cheaper than steps. */
        PLANNED
    }

    /** With bursts {@link Bursts#PREFIX_ROWS} (the default). */
    public IncrementalScorerOptions(ScorerOptions scorer, long cacheBytes) {
        this(scorer, cacheBytes, Bursts.PREFIX_ROWS);
    }

    /** The same with bursts {@link Bursts#PREFIX_ROWS} (on) or {@link Bursts#STEPPED} (off). */
    public IncrementalScorerOptions withPrefixBursts(boolean on) {
        return withBursts(on ? Bursts.PREFIX_ROWS : Bursts.STEPPED);
    }

    public IncrementalScorerOptions withBursts(Bursts how) {
        return new IncrementalScorerOptions(scorer, cacheBytes, how);
    }

    public static final long DEFAULT_CACHE_BYTES = 256L << 20;

    public static final IncrementalScorerOptions DEFAULT =
            new IncrementalScorerOptions(ScorerOptions.DEFAULT, DEFAULT_CACHE_BYTES);

    public IncrementalScorerOptions {
        if (scorer == null) {
            throw new IllegalArgumentException("scorer options must be set");
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("cacheBytes must be >= 0, got " + cacheBytes);
        }
        if (bursts == null) {
            throw new IllegalArgumentException("bursts must be set");
        }
    }
}
