package org.sdmstream.model.graph;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sdmstream.features.encoding.EncodedBatch;
import org.sdmstream.model.ModelSignature;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * An encoded batch as tensors keyed by {@link ModelSignature} input names, plus any extra training
 * feeds; closing it frees every tensor's native memory.
 */
public final class InputTensors implements AutoCloseable {

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public InputTensors(EncodedBatch batch) {
        try {
            int b = batch.batchSize();
            int t = batch.maxSession();
            int l = batch.maxHistory();
            put(ModelSignature.SESSION_ITEM, ints(batch.sessionItem(), b, t));
            put(ModelSignature.SESSION_CATEGORY, ints(batch.sessionCategory(), b, t));
            put(ModelSignature.SESSION_BRAND, ints(batch.sessionBrand(), b, t));
            put(ModelSignature.SESSION_SHOP, ints(batch.sessionShop(), b, t));
            put(ModelSignature.SESSION_LENGTH, ints(batch.sessionLength(), b));
            put(ModelSignature.HISTORY_ITEM, ints(batch.historyItem(), b, l));
            put(ModelSignature.HISTORY_CATEGORY, ints(batch.historyCategory(), b, l));
            put(ModelSignature.HISTORY_BRAND, ints(batch.historyBrand(), b, l));
            put(ModelSignature.HISTORY_SHOP, ints(batch.historyShop(), b, l));
            put(ModelSignature.HISTORY_LENGTH, ints(batch.historyLength(), b));
            put(ModelSignature.USER, ints(batch.user(), b));
            put(ModelSignature.PROFILE, ints(batch.profile(), b, batch.profileSlots()));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Adds a feed (e.g. labels); the tensor is closed with the others. */
    public InputTensors put(String name, Tensor tensor) {
        Tensor old = tensors.put(name, tensor);
        if (old != null) {
            old.close();
        }
        return this;
    }

    public static TInt32 ints(int[] values, long... shape) {
        return TInt32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    public static TFloat32 floats(float[] values, long... shape) {
        return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    /** Feeds every tensor by its placeholder name. */
    public Session.Runner feed(Session.Runner runner) {
        tensors.forEach(runner::feed);
        return runner;
    }

    public Map<String, Tensor> asMap() {
        return tensors;
    }

    /** Copies a float tensor out as a flat array. */
    public static float[] toArray(TFloat32 t) {
        float[] out = new float[(int) t.size()];
        t.copyTo(DataBuffers.of(out, false, false));
        return out;
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
        tensors.clear();
    }
}
