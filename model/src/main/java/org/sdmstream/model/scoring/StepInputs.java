package org.sdmstream.model.scoring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.encoding.ModelInputEncoder;
import org.sdmstream.model.ModelSignature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The step signature's inputs for one round of {@code lanes} users, allocated as native tensors and
 * filled lane by lane straight from each {@link StepState}: no batch-sized Java arrays are built
 * and copied (the carried attention rows alone were 2 x B x H x T x K floats per round). Closing it
 * frees the tensors.
 */
final class StepInputs implements AutoCloseable {

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final int heads;
    private final int maxRows;
    private final int dimension;
    private final int historyLength;
    private final int profileSlots;
    private final float[] zeros;
    private final IntDataBuffer user;
    private final IntDataBuffer profile;
    private final IntDataBuffer historyItem;
    private final IntDataBuffer historyCategory;
    private final IntDataBuffer historyBrand;
    private final IntDataBuffer historyShop;
    private final IntDataBuffer historyLengths;
    private final IntDataBuffer clickItem;
    private final IntDataBuffer clickCategory;
    private final IntDataBuffer clickBrand;
    private final IntDataBuffer clickShop;
    private final IntDataBuffer position;
    private final FloatDataBuffer h;
    private final FloatDataBuffer c;
    private final FloatDataBuffer keys;
    private final FloatDataBuffer values;
    private final FloatDataBuffer poolMax;
    private final FloatDataBuffer poolSum;
    private final FloatDataBuffer poolAcc;

    /** Scratch for one encoded click: item, category, brand, shop. */
    private final int[][] click = {new int[1], new int[1], new int[1], new int[1]};

    /**
     * @param zeros at least T * K zeros, only read (the empty attention slots are copied from it)
     */
    StepInputs(ModelSignature.StepDimensions dims, int lanes, float[] zeros) {
        this.heads = dims.heads();
        this.maxRows = dims.dimensions().maxSession();
        this.dimension = dims.dimensions().vectorSize();
        this.historyLength = dims.dimensions().maxHistory();
        this.profileSlots = dims.dimensions().profileSlots();
        this.zeros = zeros;
        int k = dims.headSize();
        try {
            user = ints(ModelSignature.USER, lanes);
            profile = ints(ModelSignature.PROFILE, lanes, profileSlots);
            historyItem = ints(ModelSignature.HISTORY_ITEM, lanes, historyLength);
            historyCategory = ints(ModelSignature.HISTORY_CATEGORY, lanes, historyLength);
            historyBrand = ints(ModelSignature.HISTORY_BRAND, lanes, historyLength);
            historyShop = ints(ModelSignature.HISTORY_SHOP, lanes, historyLength);
            historyLengths = ints(ModelSignature.HISTORY_LENGTH, lanes);
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
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Writes lane {@code lane}: the state carried before {@code next} (its fixed session inputs,
     * LSTM state, attention rows and accumulator), the encoded profile and the click itself.
     */
    void put(
            int lane,
            StepState state,
            int[] encodedProfile,
            Behavior next,
            ModelInputEncoder encoder) {
        user.setInt(state.user, lane);
        profile.offset((long) lane * profileSlots).write(encodedProfile, 0, profileSlots);
        long at = (long) lane * historyLength;
        historyItem.offset(at).write(state.historyItem, 0, historyLength);
        historyCategory.offset(at).write(state.historyCategory, 0, historyLength);
        historyBrand.offset(at).write(state.historyBrand, 0, historyLength);
        historyShop.offset(at).write(state.historyShop, 0, historyLength);
        historyLengths.setInt(state.historyLength, lane);
        encoder.encodeBehavior(next, 0, click[0], click[1], click[2], click[3]);
        clickItem.setInt(click[0][0], lane);
        clickCategory.setInt(click[1][0], lane);
        clickBrand.setInt(click[2][0], lane);
        clickShop.setInt(click[3][0], lane);
        position.setInt(state.position, lane);
        long row = (long) lane * dimension;
        h.offset(row).write(state.h, 0, dimension);
        c.offset(row).write(state.c, 0, dimension);
        poolAcc.offset(row).write(state.poolAcc, 0, dimension);
        poolMax.setFloat(state.poolMax, lane);
        poolSum.setFloat(state.poolSum, lane);
        state.writeRows(keys, values, lane, heads, maxRows, zeros);
    }

    /** The feeds by signature input name. */
    Map<String, Tensor> feeds() {
        return tensors;
    }

    private IntDataBuffer ints(String name, long... shape) {
        TInt32 t = TInt32.tensorOf(Shape.of(shape));
        tensors.put(name, t);
        return t.asRawTensor().data().asInts();
    }

    private FloatDataBuffer floats(String name, long... shape) {
        TFloat32 t = TFloat32.tensorOf(Shape.of(shape));
        tensors.put(name, t);
        return t.asRawTensor().data().asFloats();
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
        tensors.clear();
    }
}
