package org.sdmstream.model.scoring;

import java.nio.IntBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sdmstream.model.ModelSignature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
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
    private final IntBuffer user;
    private final IntBuffer profile;
    private final IntBuffer historyItem;
    private final IntBuffer historyCategory;
    private final IntBuffer historyBrand;
    private final IntBuffer historyShop;
    private final IntBuffer historyLengths;

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
        user.put(lane, state.user);
        profile.put(lane * profileSlots, encodedProfile, 0, profileSlots);
        int at = lane * historyLength;
        historyItem.put(at, state.historyItem, 0, historyLength);
        historyCategory.put(at, state.historyCategory, 0, historyLength);
        historyBrand.put(at, state.historyBrand, 0, historyLength);
        historyShop.put(at, state.historyShop, 0, historyLength);
        historyLengths.put(lane, state.historyLength);
    }

    /** The feeds by signature input key. */
    Map<String, Tensor> feeds() {
        return tensors;
    }

    private IntBuffer ints(String name, long... shape) {
        TInt32 t = TInt32.tensorOf(Shape.of(shape));
        tensors.put(name, t);
        return TensorMemory.ints(t);
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
        tensors.clear();
    }
}
