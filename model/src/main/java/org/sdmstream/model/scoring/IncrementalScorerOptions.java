package org.sdmstream.model.scoring;

/**
 * Settings of {@link IncrementalSdmScorer}: the TF pools and batch cap of the underlying model
 * ({@link ScorerOptions}) and the most bytes of carried per-user state kept in memory (least
 * recently used users are evicted first; an evicted user's next click rebuilds its state from the
 * input), and whether a burst of one user's clicks in a call is scored by one prefix row of the
 * tower rather than stepped click by click (docs/scoring-model.md).
 */
public record IncrementalScorerOptions(
        ScorerOptions scorer, long cacheBytes, boolean prefixBursts) {

    /** With bursts of one user's clicks scored by one prefix row (the default). */
    public IncrementalScorerOptions(ScorerOptions scorer, long cacheBytes) {
        this(scorer, cacheBytes, true);
    }

    /** The same with {@code prefixBursts} set: off, every click is stepped (for comparisons). */
    public IncrementalScorerOptions withPrefixBursts(boolean on) {
        return new IncrementalScorerOptions(scorer, cacheBytes, on);
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
    }
}
