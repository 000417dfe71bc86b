package org.sdmstream.model.training;

import java.util.Random;
import org.sdmstream.features.encoding.Vocabulary;
import org.sdmstream.model.SdmConfig;

/**
 * Draws the sampled-softmax negatives shared by one batch (with replacement, seeded) and the log of
 * each item's expected count, log(S * Q(item)), for the log-Q correction. Log-uniform sampling uses
 * the vocabulary's rank, which is frequency order.
 */
public final class NegativeSampler {

    private final SdmConfig.Sampler kind;
    private final int count;

    /** Sampled rows are FIRST_VALUE .. FIRST_VALUE + range - 1. */
    private final int range;

    private final Random random;

    public NegativeSampler(SdmConfig.Sampler kind, int count, int itemRows, long seed) {
        if (itemRows <= Vocabulary.FIRST_VALUE) {
            throw new IllegalArgumentException("no items to sample negatives from");
        }
        this.kind = kind;
        this.count = count;
        this.range = itemRows - Vocabulary.FIRST_VALUE;
        this.random = new Random(seed);
    }

    // StrictMath throughout: Math.log/exp may differ by an ulp once the JIT compiles them, and Adam
    // amplifies such differences into different models for the same seed.

    /** Fills {@code ids} and {@code logQ} (both of length count) with one batch's negatives. */
    public void sample(int[] ids, float[] logQ) {
        for (int i = 0; i < count; i++) {
            int rank;
            if (kind == SdmConfig.Sampler.UNIFORM) {
                rank = random.nextInt(range);
            } else {
                rank =
                        (int)
                                Math.min(
                                        range - 1,
                                        (long)
                                                        StrictMath.exp(
                                                                random.nextDouble()
                                                                        * StrictMath.log(
                                                                                range + 1.0))
                                                - 1);
            }
            ids[i] = rank + Vocabulary.FIRST_VALUE;
            logQ[i] = logExpectedCount(ids[i]);
        }
    }

    /** log(S * Q(row)) for an item row; 0 for padding and unknown rows (they carry no loss). */
    public float logExpectedCount(int row) {
        if (row < Vocabulary.FIRST_VALUE) {
            return 0f;
        }
        double q;
        if (kind == SdmConfig.Sampler.UNIFORM) {
            q = 1.0 / range;
        } else {
            int rank = row - Vocabulary.FIRST_VALUE;
            q =
                    (StrictMath.log(rank + 2.0) - StrictMath.log(rank + 1.0))
                            / StrictMath.log(range + 1.0);
        }
        return (float) StrictMath.log(count * q);
    }

    public int count() {
        return count;
    }
}
