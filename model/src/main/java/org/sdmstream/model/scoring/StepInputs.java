package org.sdmstream.model.scoring;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.encoding.ModelInputEncoder;
import org.sdmstream.model.ModelSignature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The per-click step inputs for one round of up to {@link #lanes()} users (the click, its position,
 * the carried LSTM state, attention rows and accumulator, and the carried session values when the
 * model has them), allocated as native tensors and filled lane by lane straight from each {@link
 * StepState}: no batch-sized Java arrays are built and copied. Closing it frees the tensors.
 *
 * <p>The tensors are zeroed once, when allocated, and may then serve round after round ({@link
 * StepInputsPool}): a lane writes only its user's {@code position} attention rows, and the slots
 * past them keep what earlier rounds wrote there. That is safe because the step masks those slots
 * with a key bias of -1e9, which gives them a softmax weight of exactly 0, and their contents are
 * finite: zeros, or key and value rows the model computed (h W with |h| &lt; 1). So the vectors are
 * the same as over zeroed slots, and a round no longer writes zeros over half of the 2 x H x T x K
 * floats per lane (the largest copy of the step, docs/benchmarks.md, session 13). Lanes no user
 * fills in a round (padding up to a pooled size) keep finite inputs too and their outputs are not
 * read. (Rows are finite for a model with finite weights; one without, whose vectors are NaN
 * anyway, could now pass NaN rows to other users' lanes as well, since 0 x NaN is NaN.)
 */
final class StepInputs implements AutoCloseable {

    private static final int[] ZERO_INTS = new int[4096];
    private static final float[] ZERO_FLOATS = new float[4096];

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final int lanes;
    private final int heads;
    private final int maxRows;
    private final int dimension;
    private final IntBuffer clickItem;
    private final IntBuffer clickCategory;
    private final IntBuffer clickBrand;
    private final IntBuffer clickShop;
    private final IntBuffer position;
    private final FloatBuffer h;
    private final FloatBuffer c;
    private final FloatBuffer keys;
    private final FloatBuffer values;
    private final FloatBuffer poolMax;
    private final FloatBuffer poolSum;
    private final FloatBuffer poolAcc;

    /** The carried session values' tensors, [lanes, D] each; empty when the model has none. */
    private final FloatBuffer[] sessionValues;

    /** Scratch for one encoded click: item, category, brand, shop. */
    private final int[][] click = {new int[1], new int[1], new int[1], new int[1]};

    /**
     * Each lane's encoded click (item, category, brand, shop), for the state to keep after the
     * step.
     */
    private final int[] clickIds;

    /**
     * Allocates the tensors for {@code lanes} lanes, zeroed.
     *
     * @param sessionValueNames the session values to feed (each lane's state must carry them), or
     *     none for a model without them
     */
    StepInputs(ModelSignature.StepDimensions dims, int lanes, List<String> sessionValueNames) {
        this.lanes = lanes;
        this.heads = dims.heads();
        this.maxRows = dims.dimensions().maxSession();
        this.dimension = dims.dimensions().vectorSize();
        this.sessionValues = new FloatBuffer[sessionValueNames.size()];
        this.clickIds = new int[4 * lanes];
        int k = dims.headSize();
        try {
            clickItem = ints(ModelSignature.CLICK_ITEM, lanes);
            clickCategory = ints(ModelSignature.CLICK_CATEGORY, lanes);
            clickBrand = ints(ModelSignature.CLICK_BRAND, lanes);
            clickShop = ints(ModelSignature.CLICK_SHOP, lanes);
            position = ints(ModelSignature.POSITION, lanes);
            h = floats(ModelSignature.LSTM_H, lanes, dimension);
            c = floats(ModelSignature.LSTM_C, lanes, dimension);
            keys = floats(ModelSignature.ATTENTION_KEYS, lanes, heads, maxRows, k);
            values = floats(ModelSignature.ATTENTION_VALUES, lanes, heads, maxRows, k);
            poolMax = floats(ModelSignature.POOL_MAX, lanes);
            poolSum = floats(ModelSignature.POOL_SUM, lanes);
            poolAcc = floats(ModelSignature.POOL_ACC, lanes, dimension);
            for (int v = 0; v < sessionValues.length; v++) {
                sessionValues[v] = floats(sessionValueNames.get(v), lanes, dimension);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Writes lane {@code lane}: the state carried before {@code next} (LSTM state, attention rows,
     * accumulator and, when fed, session values) and the click itself.
     */
    void put(int lane, StepState state, Behavior next, ModelInputEncoder encoder) {
        encoder.encodeBehavior(next, 0, click[0], click[1], click[2], click[3]);
        clickItem.put(lane, click[0][0]);
        clickCategory.put(lane, click[1][0]);
        clickBrand.put(lane, click[2][0]);
        clickShop.put(lane, click[3][0]);
        for (int f = 0; f < 4; f++) {
            clickIds[4 * lane + f] = click[f][0];
        }
        position.put(lane, state.position);
        int row = lane * dimension;
        h.put(row, state.h, 0, dimension);
        c.put(row, state.c, 0, dimension);
        poolAcc.put(row, state.poolAcc, 0, dimension);
        poolMax.put(lane, state.poolMax);
        poolSum.put(lane, state.poolSum);
        for (int v = 0; v < sessionValues.length; v++) {
            sessionValues[v].put(row, state.sessionValues[v], 0, dimension);
        }
        state.writeRows(keys, values, lane, heads, maxRows);
    }

    /** How many lanes the tensors hold: a round fills lanes 0 to its own size. */
    int lanes() {
        return lanes;
    }

    /** Native bytes of the tensors. */
    long bytes() {
        long bytes = 0;
        for (Tensor t : tensors.values()) {
            bytes += t.numBytes();
        }
        return bytes;
    }

    /**
     * The ids every lane's click was encoded to: lane {@code r}'s item, category, brand and shop at
     * {@code 4 * r} onwards.
     */
    int[] encodedClicks() {
        return clickIds;
    }

    /** The feeds by signature input key, and session values by name. */
    Map<String, Tensor> feeds() {
        return tensors;
    }

    // A fresh native tensor holds whatever its memory held before: zeroed here, once.
    private IntBuffer ints(String name, long... shape) {
        TInt32 t = TInt32.tensorOf(Shape.of(shape));
        tensors.put(name, t);
        return zero(TensorMemory.ints(t));
    }

    private FloatBuffer floats(String name, long... shape) {
        TFloat32 t = TFloat32.tensorOf(Shape.of(shape));
        tensors.put(name, t);
        return zero(TensorMemory.floats(t));
    }

    static IntBuffer zero(IntBuffer buffer) {
        for (int at = 0; at < buffer.capacity(); at += ZERO_INTS.length) {
            buffer.put(at, ZERO_INTS, 0, Math.min(ZERO_INTS.length, buffer.capacity() - at));
        }
        return buffer;
    }

    static FloatBuffer zero(FloatBuffer buffer) {
        for (int at = 0; at < buffer.capacity(); at += ZERO_FLOATS.length) {
            buffer.put(at, ZERO_FLOATS, 0, Math.min(ZERO_FLOATS.length, buffer.capacity() - at));
        }
        return buffer;
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
        tensors.clear();
    }
}
