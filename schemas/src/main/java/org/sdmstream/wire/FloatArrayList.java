package org.sdmstream.wire;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A {@code float[]} as the {@code List<Float>} that an Avro {@code array<float>} field holds, so a
 * vector goes into its record without a {@code Float} per element (64 per user vector, at every
 * click), and the fast writers ({@link org.sdmstream.wire.fast}) write it straight from the array.
 * Avro's own writers, copies and equality read it as any list. Read-only: the array is the
 * caller's, not copied.
 */
public final class FloatArrayList extends AbstractList<Float> implements RandomAccess {

    private final float[] values;

    public FloatArrayList(float[] values) {
        this.values = Objects.requireNonNull(values, "values");
    }

    @Override
    public Float get(int index) {
        return values[Objects.checkIndex(index, values.length)];
    }

    /** Element {@code index}, unboxed. */
    public float getFloat(int index) {
        return values[Objects.checkIndex(index, values.length)];
    }

    @Override
    public int size() {
        return values.length;
    }

    /** A copy of the elements. */
    public float[] toFloatArray() {
        return values.clone();
    }
}
