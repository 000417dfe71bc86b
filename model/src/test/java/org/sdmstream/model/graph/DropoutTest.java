package org.sdmstream.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The embedding dropout: identity at rate 0 (serving), inverted dropout at a rate, a pure function
 * of its seed.
 */
class DropoutTest {

    private static float[] run(float rate, int seedA, int seedB) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            float[] ones = new float[4000];
            java.util.Arrays.fill(ones, 1.5f);
            Operand<TFloat32> x = tf.reshape(tf.constant(ones), tf.constant(new int[] {2, 50, 40}));
            Operand<TFloat32> y =
                    new Layers(tf)
                            .dropout(x, tf.constant(rate), tf.constant(new int[] {seedA, seedB}));
            try (Result r = s.runner().fetch(y).run()) {
                return InputTensors.toArray((TFloat32) r.get(0));
            }
        }
    }

    @Test
    void rateZeroIsTheIdentity() {
        assertThat(run(0f, 3, 4)).containsOnly(1.5f);
    }

    @Test
    void dropsAboutTheRateAndRescalesTheRest() {
        float[] y = run(0.25f, 3, 4);
        int zeros = 0;
        for (float v : y) {
            assertThat(v).isIn(0f, 2f); // 1.5 / 0.75
            zeros += v == 0f ? 1 : 0;
        }
        assertThat(zeros / (double) y.length).isBetween(0.21, 0.29);
    }

    @Test
    void theMaskIsAFunctionOfTheSeed() {
        assertThat(run(0.5f, 3, 4)).containsExactly(run(0.5f, 3, 4));
        assertThat(run(0.5f, 3, 4)).isNotEqualTo(run(0.5f, 3, 5));
    }
}
