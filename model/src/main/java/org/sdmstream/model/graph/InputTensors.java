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
        this(batch, batch.maxSession());
    }

    /**
     * With the session inputs cut to their first {@code sessionWidth} positions (for a tower over
     * fewer positions than the batch was encoded for; sessions are padded at the end).
     */
    public InputTensors(EncodedBatch batch, int sessionWidth) {
        try {
            int b = batch.batchSize();
            int t = sessionWidth;
            int l = batch.maxHistory();
            put(ModelSignature.SESSION_ITEM, ints(columns(batch.sessionItem(), batch, t), b, t));
            put(
                    ModelSignature.SESSION_CATEGORY,
                    ints(columns(batch.sessionCategory(), batch, t), b, t));
            put(ModelSignature.SESSION_BRAND, ints(columns(batch.sessionBrand(), batch, t), b, t));
            put(ModelSignature.SESSION_SHOP, ints(columns(batch.sessionShop(), batch, t), b, t));
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

    /** The first {@code width} columns of every row of a [B, T] session input. */
    private static int[] columns(int[] ids, EncodedBatch batch, int width) {
        int t = batch.maxSession();
        if (width == t) {
            return ids;
        }
        int rows = batch.batchSize();
        int[] out = new int[rows * width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(ids, r * t, out, r * width, width);
        }
        return out;
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
