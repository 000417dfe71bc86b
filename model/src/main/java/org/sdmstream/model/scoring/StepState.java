package org.sdmstream.model.scoring;

import java.util.Arrays;

/**
 * What the step signature carries for one user after {@code position} clicks of one session: LSTM h
 * and c, the key and value rows of those clicks (row-major by position, each row head-major [H * K] as
 * the step returns it), the user-attention accumulator (m, l, acc) and the last vector. {@code prefixHash}
 * fingerprints the encoded inputs it was computed from, so a state is only reused for the same prefix.
 */
final class StepState {

    /** Rough JVM overhead of the object, its arrays and its cache entry; only used to bound the cache. */
    private static final int OVERHEAD_BYTES = 240;

    final String sessionId;
    final int dimension;
    int position;
    long prefixHash;
    float[] h;
    float[] c;
    float[] keys;
    float[] values;
    float poolMax;
    float poolSum;
    float[] poolAcc;
    float[] vector;

    StepState(String sessionId, int dimension, long prefixHash) {
        this.sessionId = sessionId;
        this.dimension = dimension;
        this.prefixHash = prefixHash;
        this.h = new float[dimension];
        this.c = new float[dimension];
        this.poolAcc = new float[dimension];
        this.keys = new float[0];
        this.values = new float[0];
    }

    /** Appends the new click's key and value rows (growing the row arrays by doubling, up to {@code maxRows}). */
    void appendRows(float[] keyRow, float[] valueRow, int maxRows) {
        int need = (position + 1) * dimension;
        if (keys.length < need) {
            int rows = Math.min(maxRows, Math.max(position + 1, Math.max(4, 2 * keys.length / dimension)));
            keys = Arrays.copyOf(keys, rows * dimension);
            values = Arrays.copyOf(values, rows * dimension);
        }
        System.arraycopy(keyRow, 0, keys, position * dimension, dimension);
        System.arraycopy(valueRow, 0, values, position * dimension, dimension);
    }

    /** Approximate heap bytes, for the cache's byte bound. */
    long bytes(String userId) {
        long floats = 4L * dimension + keys.length + values.length + (vector == null ? 0 : vector.length);
        return OVERHEAD_BYTES + 4 * floats
                + 2L * ((userId == null ? 0 : userId.length()) + (sessionId == null ? 0 : sessionId.length()));
    }
}
