package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.encoding.FeatureVocabularies;
import org.sdmstream.features.encoding.ModelInputEncoder;

/**
 * The carried rows go into a round's attention tensors in the step signature's [B, H, T, K] layout,
 * with finite zeros in the empty slots, and the step's outputs come back into the state at the
 * right place, across the growth of the row capacity.
 */
class StepStateTest {

    static final int D = 8;
    static final int HEADS = 2;
    static final int K = D / HEADS;
    static final int T = 50;

    static StepState fresh() {
        ModelInputEncoder encoder =
                new ModelInputEncoder(FeatureVocabularies.build(List.of(), u -> Map.of(), 1), T, 5);
        List<Behavior> clicks = new ArrayList<>();
        for (int j = 0; j < T; j++) {
            clicks.add(new Behavior("i" + j, "c", "b", "s", 100 + j));
        }
        ModelInput in = new ModelInput("u", "s1", clicks, List.of(), Map.of(), 149);
        return new StepState(in, new int[0], encoder, D);
    }

    /** The value a step "returned" for lane 0 at position {@code p}, head {@code h}, element j. */
    static float key(int p, int h, int j) {
        return 1000 * p + 100 * h + j + 1;
    }

    static float value(int p, int h, int j) {
        return -key(p, h, j);
    }

    /** Outputs of a one-lane round whose key/value rows encode the position. */
    static StepOutputs outputs(int p) {
        float[] keyRow = new float[HEADS * K];
        float[] valueRow = new float[HEADS * K];
        for (int h = 0; h < HEADS; h++) {
            for (int j = 0; j < K; j++) {
                keyRow[h * K + j] = key(p, h, j);
                valueRow[h * K + j] = value(p, h, j);
            }
        }
        float[] vector = new float[D];
        Arrays.fill(vector, p);
        return new StepOutputs(
                buffer(vector),
                buffer(new float[D]),
                buffer(new float[D]),
                buffer(keyRow),
                buffer(valueRow),
                buffer(new float[] {p}),
                buffer(new float[] {1}),
                buffer(new float[D]));
    }

    static FloatBuffer buffer(float[] values) {
        return FloatBuffer.wrap(values);
    }

    static Behavior click(int p) {
        return new Behavior("i" + p, "c", "b", "s", 100 + p);
    }

    @Test
    void rowsGoToTheirHeadAndPositionAndTheSlotsPastThemAreLeftAsTheyWere() {
        StepState state = fresh();
        // 6 steps: the capacity grows 4 -> 8 on the way, the rows stepped before must survive it.
        for (int p = 0; p < 6; p++) {
            state.advance(outputs(p), 0, HEADS, T, click(p), new int[] {p, 1, 1, 1}, 0);
        }
        assertThat(state.position).isEqualTo(6);
        assertThat(state.vector).containsOnly(5f);
        assertThat(state.poolMax).isEqualTo(5f);

        // Lane 1 of a two-lane round, written over memory holding -7, so that what is left
        // untouched shows.
        float[] keys = new float[2 * HEADS * T * K];
        float[] values = new float[2 * HEADS * T * K];
        Arrays.fill(keys, -7f);
        Arrays.fill(values, -7f);
        state.writeRows(buffer(keys), buffer(values), 1, HEADS, T);

        for (int h = 0; h < HEADS; h++) {
            for (int p = 0; p < T; p++) {
                for (int j = 0; j < K; j++) {
                    int at = ((HEADS + h) * T + p) * K + j;
                    assertThat(keys[at])
                            .as("key h%d p%d j%d", h, p, j)
                            .isEqualTo(p < 6 ? key(p, h, j) : -7f);
                    assertThat(values[at])
                            .as("value h%d p%d j%d", h, p, j)
                            .isEqualTo(p < 6 ? value(p, h, j) : -7f);
                }
            }
        }
        // Lane 0 untouched.
        assertThat(keys[0]).isEqualTo(-7f);
        assertThat(values[HEADS * T * K - 1]).isEqualTo(-7f);
    }

    @Test
    void aFreshStateWritesNothing() {
        StepState state = fresh();
        float[] keys = new float[HEADS * T * K];
        Arrays.fill(keys, -7f);
        float[] values = keys.clone();
        state.writeRows(buffer(keys), buffer(values), 0, HEADS, T);
        assertThat(keys).containsOnly(-7f);
        assertThat(values).containsOnly(-7f);
    }

    @Test
    void aFullSessionFillsEveryRowWithoutGrowingPastT() {
        StepState state = fresh();
        for (int p = 0; p < T; p++) {
            state.advance(outputs(p), 0, HEADS, T, click(p), new int[] {p, 1, 1, 1}, 0);
        }
        assertThat(state.keys).hasSize(HEADS * T * K);
        float[] keys = new float[HEADS * T * K];
        float[] values = new float[HEADS * T * K];
        state.writeRows(buffer(keys), buffer(values), 0, HEADS, T);
        assertThat(keys[((HEADS - 1) * T + T - 1) * K + K - 1])
                .isEqualTo(key(T - 1, HEADS - 1, K - 1));
    }
}
