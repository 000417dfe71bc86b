package org.sdmstream.features.generate;

/**
 * Shape of the synthetic click stream of {@link ClickGenerator}.
 *
 * @param users simulated users
 * @param items catalogue size
 * @param categories item categories (interests are over categories)
 * @param brands brands
 * @param shops shops
 * @param zipfExponent popularity skew of items within a category
 * @param meanSessionLength mean clicks per session (geometric)
 * @param meanClickGapMillis mean gap between clicks in a session (exponential)
 * @param successorRate chance that the next click is the previous item's planted successor
 * @param interestDrift chance per session that a new favourite category appears
 * @param missingSessionIdRate chance that a session's clicks carry no client session id
 * @param startTimeMillis event time of the first day
 * @param maxClicks clicks to produce; 0 or less for an endless stream
 * @param seed random seed; the stream is a pure function of the configuration
 */
public record GeneratorConfig(
        int users,
        int items,
        int categories,
        int brands,
        int shops,
        double zipfExponent,
        double meanSessionLength,
        long meanClickGapMillis,
        double successorRate,
        double interestDrift,
        double missingSessionIdRate,
        long startTimeMillis,
        long maxClicks,
        long seed) {

    /** 2026-01-01T00:00:00Z: a fixed start keeps generated streams reproducible. */
    public static final long DEFAULT_START = 1_767_225_600_000L;

    public static GeneratorConfig defaults() {
        return new GeneratorConfig(
                1_000,
                5_000,
                50,
                200,
                300,
                1.1,
                8.0,
                40_000L,
                0.3,
                0.3,
                0.1,
                DEFAULT_START,
                0,
                42L);
    }

    public GeneratorConfig {
        if (users < 1 || items < 1 || categories < 1 || brands < 1 || shops < 1) {
            throw new IllegalArgumentException(
                    "users, items, categories, brands and shops must be positive");
        }
        if (meanSessionLength < 1) {
            throw new IllegalArgumentException(
                    "mean session length must be >= 1, got " + meanSessionLength);
        }
    }

    public GeneratorConfig withUsers(int n) {
        return new GeneratorConfig(
                n,
                items,
                categories,
                brands,
                shops,
                zipfExponent,
                meanSessionLength,
                meanClickGapMillis,
                successorRate,
                interestDrift,
                missingSessionIdRate,
                startTimeMillis,
                maxClicks,
                seed);
    }

    public GeneratorConfig withItems(int n) {
        return new GeneratorConfig(
                users,
                n,
                categories,
                brands,
                shops,
                zipfExponent,
                meanSessionLength,
                meanClickGapMillis,
                successorRate,
                interestDrift,
                missingSessionIdRate,
                startTimeMillis,
                maxClicks,
                seed);
    }

    public GeneratorConfig withMaxClicks(long n) {
        return new GeneratorConfig(
                users,
                items,
                categories,
                brands,
                shops,
                zipfExponent,
                meanSessionLength,
                meanClickGapMillis,
                successorRate,
                interestDrift,
                missingSessionIdRate,
                startTimeMillis,
                n,
                seed);
    }

    public GeneratorConfig withSeed(long s) {
        return new GeneratorConfig(
                users,
                items,
                categories,
                brands,
                shops,
                zipfExponent,
                meanSessionLength,
                meanClickGapMillis,
                successorRate,
                interestDrift,
                missingSessionIdRate,
                startTimeMillis,
                maxClicks,
                s);
    }
}
