package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdmstream.model.ModelSignature;
import org.tensorflow.Tensor;

/**
 * Rounds take step-input sets of a few pooled sizes, reuse them, start from zeroed tensors, and the
 * idle sets stay within their byte bound.
 */
class StepInputsPoolTest {

    private static final ModelSignature.StepDimensions DIMS =
            new ModelSignature.StepDimensions(new ModelSignature.Dimensions(6, 4, 1, 8), 2, 4);

    @Test
    void sizesAreExactUpToEightThenAtMostAnEighthLarger() {
        for (int n = 1; n <= 8; n++) {
            assertThat(StepInputsPool.lanesFor(n)).isEqualTo(n);
        }
        assertThat(StepInputsPool.lanesFor(9)).isEqualTo(9);
        assertThat(StepInputsPool.lanesFor(17)).isEqualTo(18);
        assertThat(StepInputsPool.lanesFor(200)).isEqualTo(208);
        assertThat(StepInputsPool.lanesFor(256)).isEqualTo(256);
        assertThat(StepInputsPool.lanesFor(257)).isEqualTo(288);
        for (int n = 1; n <= 4096; n++) {
            int size = StepInputsPool.lanesFor(n);
            assertThat(size).as("lanes for %d", n).isBetween(n, n + n / 8);
        }
        // A job's rounds of 129 to 256 lanes share 8 sizes.
        assertThat(
                        java.util.stream.IntStream.rangeClosed(129, 256)
                                .map(StepInputsPool::lanesFor)
                                .distinct()
                                .count())
                .isEqualTo(8);
        assertThatThrownBy(() -> StepInputsPool.lanesFor(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroingOverwritesWhateverTheMemoryHeld() {
        float[] floats = new float[10_000];
        java.util.Arrays.fill(floats, Float.NaN);
        StepInputs.zero(FloatBuffer.wrap(floats));
        assertThat(floats).containsOnly(0f);
        int[] ints = new int[5_000];
        java.util.Arrays.fill(ints, -7);
        StepInputs.zero(java.nio.IntBuffer.wrap(ints));
        assertThat(ints).containsOnly(0);
    }

    @Test
    void noSetIsPaddedPastTheBatchCap() {
        try (StepInputsPool pool = new StepInputsPool(DIMS, List.of(), 300, 1L << 30)) {
            StepInputs capped = pool.take(290); // 320 on the grid
            assertThat(capped.lanes()).isEqualTo(300);
            StepInputs small = pool.take(5);
            assertThat(small.lanes()).isEqualTo(5);
            capped.close();
            small.close();
        }
    }

    @Test
    void aSetGivenBackServesTheNextRoundOfItsSizeAndAFreshOneIsZeroed() {
        try (StepInputsPool pool = new StepInputsPool(DIMS, List.of("query"), 256, 1L << 20)) {
            StepInputs first = pool.take(3);
            assertThat(first.lanes()).isEqualTo(3);
            for (Tensor t : first.feeds().values()) {
                FloatBuffer bytesAsFloats = TensorMemory.floats(t);
                for (int i = 0; i < bytesAsFloats.capacity(); i++) {
                    // Every bit zero (ints and floats alike).
                    assertThat(Float.floatToRawIntBits(bytesAsFloats.get(i))).isZero();
                }
            }
            assertThat(first.feeds()).containsKey("query");
            pool.give(first);
            assertThat(pool.idleBytes()).isEqualTo(first.bytes());

            StepInputs again = pool.take(3);
            assertThat(again).isSameAs(first);
            assertThat(pool.idleBytes()).isZero();
            // Two rounds at once get two sets.
            StepInputs other = pool.take(3);
            assertThat(other).isNotSameAs(first);
            assertThat(pool.allocated()).isEqualTo(2);
            pool.give(again);
            pool.give(other);
        }
    }

    @Test
    void idleSetsBeyondTheBoundAreFreedLeastRecentlyUsedSizeFirst() {
        long small;
        try (StepInputs probe = new StepInputs(DIMS, 2, List.of())) {
            small = probe.bytes();
        }
        // Room for two 2-lane sets, or one 3-lane set and change.
        try (StepInputsPool pool = new StepInputsPool(DIMS, List.of(), 256, 2 * small)) {
            StepInputs a = pool.take(2);
            StepInputs b = pool.take(2);
            StepInputs c = pool.take(3);
            pool.give(a);
            pool.give(b);
            assertThat(pool.idleBytes()).isEqualTo(2 * small);
            pool.give(c); // the 2-lane size is older: both of its sets go
            assertThat(pool.idleBytes()).isEqualTo(c.bytes());
            StepInputs again = pool.take(3);
            assertThat(again).isSameAs(c);
            StepInputs fresh = pool.take(2);
            assertThat(fresh).isNotIn(a, b);
            assertThat(pool.allocated()).isEqualTo(4);
            again.close();
            fresh.close();
        }
    }

    @Test
    void aSetLargerThanTheBoundAndSetsGivenAfterCloseAreFreed() {
        StepInputsPool pool = new StepInputsPool(DIMS, List.of(), 256, 1);
        StepInputs in = pool.take(1);
        pool.give(in);
        assertThat(pool.idleBytes()).isZero();
        StepInputs late = pool.take(1);
        pool.close();
        pool.give(late);
        assertThat(pool.idleBytes()).isZero();
        assertThatThrownBy(() -> pool.take(1)).isInstanceOf(IllegalStateException.class);
    }
}
