package org.sdmstream.model.retrieval;

/**
 * Maximum-inner-product search over a fixed table of item embeddings, addressed by row: the exact
 * reference ({@link ExactInnerProductIndex}) and an approximate graph ({@link
 * HnswInnerProductIndex}) answer the same question, so {@link ItemIndex} can pick either by
 * catalogue size.
 */
public interface InnerProductIndex {

    /** Rows in the table. */
    int size();

    /** Components of every row and of every query. */
    int dimension();

    /**
     * The {@code k} rows with the largest inner product with each query, best first, with their
     * scores.
     *
     * @param queries one vector per query, each of {@link #dimension()} components
     * @param excluded per query, rows that must not be returned (any order); null for none
     * @return per query, at most {@code k} hits (fewer when the table minus exclusions is smaller)
     */
    Hits[] search(float[][] queries, int k, int[][] excluded);

    /** Heap bytes the index needs, its item vectors included (for the memory per item it costs). */
    long bytes();

    /** The inner product in the one summation order every index reports (index 0 first). */
    static float dot(float[] a, float[] b) {
        float s = 0f;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }
}
