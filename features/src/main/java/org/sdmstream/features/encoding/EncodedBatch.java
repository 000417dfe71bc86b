package org.sdmstream.features.encoding;

/**
 * A batch of model inputs as flat row-major int arrays, ready to become tensors: sequences are
 * left-aligned (position 0 = oldest kept click) and padded with row 0 to the fixed lengths; lengths
 * say how many positions are real. Arrays of shape [B, maxSession] have {@code batchSize *
 * maxSession} entries, and so on.
 */
public record EncodedBatch(
        int batchSize,
        int maxSession,
        int maxHistory,
        int profileSlots,
        int[] sessionItem,
        int[] sessionCategory,
        int[] sessionBrand,
        int[] sessionShop,
        int[] sessionLength,
        int[] historyItem,
        int[] historyCategory,
        int[] historyBrand,
        int[] historyShop,
        int[] historyLength,
        int[] user,
        int[] profile) {

    /** 1.0 for real session positions, 0.0 for padding: [B, maxSession]. */
    public float[] sessionMask() {
        return mask(sessionLength, maxSession);
    }

    /** 1.0 for real history positions, 0.0 for padding: [B, maxHistory]. */
    public float[] historyMask() {
        return mask(historyLength, maxHistory);
    }

    private float[] mask(int[] lengths, int width) {
        float[] m = new float[batchSize * width];
        for (int b = 0; b < batchSize; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                m[b * width + t] = 1f;
            }
        }
        return m;
    }
}
