package org.sdmstream.model.scoring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sdmstream.model.ModelSignature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.types.TInt32;

/**
 * The step inputs that stay fixed over a session (user, profile, long-term history) for {@code
 * lanes} users, written straight into native tensors from each {@link StepState}: fed once per
 * session to compute the session values, or at every click to a model that has none. Closing it
 * frees the tensors.
 */
final class SessionInputs implements AutoCloseable {

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final int historyLength;
    private final int profileSlots;
    private final IntDataBuffer user;
    private final IntDataBuffer profile;
    private final IntDataBuffer historyItem;
    private final IntDataBuffer historyCategory;
    private final IntDataBuffer historyBrand;
    private final IntDataBuffer historyShop;
    private final IntDataBuffer historyLengths;

    SessionInputs(ModelSignature.StepDimensions dims, int lanes) {
        this.historyLength = dims.dimensions().maxHistory();
        this.profileSlots = dims.dimensions().profileSlots();
        try {
            user = ints(ModelSignature.USER, lanes);
            profile = ints(ModelSignature.PROFILE, lanes, profileSlots);
            historyItem = ints(ModelSignature.HISTORY_ITEM, lanes, historyLength);
            historyCategory = ints(ModelSignature.HISTORY_CATEGORY, lanes, historyLength);
            historyBrand = ints(ModelSignature.HISTORY_BRAND, lanes, historyLength);
            historyShop = ints(ModelSignature.HISTORY_SHOP, lanes, historyLength);
            historyLengths = ints(ModelSignature.HISTORY_LENGTH, lanes);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Writes lane {@code lane}: the state's user and history, and the encoded profile. */
    void put(int lane, StepState state, int[] encodedProfile) {
        user.setInt(state.user, lane);
        profile.offset((long) lane * profileSlots).write(encodedProfile, 0, profileSlots);
        long at = (long) lane * historyLength;
        historyItem.offset(at).write(state.historyItem, 0, historyLength);
        historyCategory.offset(at).write(state.historyCategory, 0, historyLength);
        historyBrand.offset(at).write(state.historyBrand, 0, historyLength);
        historyShop.offset(at).write(state.historyShop, 0, historyLength);
        historyLengths.setInt(state.historyLength, lane);
    }

    /** The feeds by signature input key. */
    Map<String, Tensor> feeds() {
        return tensors;
    }

    private IntDataBuffer ints(String name, long... shape) {
        TInt32 t = TInt32.tensorOf(Shape.of(shape));
        tensors.put(name, t);
        return t.asRawTensor().data().asInts();
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
        tensors.clear();
    }
}
