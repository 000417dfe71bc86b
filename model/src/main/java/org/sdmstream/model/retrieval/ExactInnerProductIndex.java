package org.sdmstream.model.retrieval;

import java.util.Arrays;

/**
 * Exact maximum-inner-product search over a fixed set of item embeddings: the top K items for each
 * query vector, by a blocked matrix multiply in plain Java and a bounded heap per query. Items are
 * stored in blocks, each transposed (dimension-major), so the inner loop is a multiply-add over
 * contiguous floats that the JIT vectorises, and one block stays in cache while a block of queries
 * is scored against it. Equal scores rank the lower item index first.
 */
public final class ExactInnerProductIndex implements InnerProductIndex {

    /** Items per block: 1,024 x 64 floats = 256 KiB, about one core's L2. */
    static final int ITEM_BLOCK = 1024;

    /** Queries scored against one item block while it is in cache. */
    static final int QUERY_BLOCK = 32;

    private final int items;
    private final int dimension;

    /** blocks[b][j * width + i] = embedding of item b * ITEM_BLOCK + i, component j. */
    private final float[][] blocks;

    public ExactInnerProductIndex(float[][] itemEmbeddings) {
        items = itemEmbeddings.length;
        dimension = items == 0 ? 0 : itemEmbeddings[0].length;
        int blockCount = (items + ITEM_BLOCK - 1) / ITEM_BLOCK;
        blocks = new float[blockCount][];
        for (int b = 0; b < blockCount; b++) {
            int start = b * ITEM_BLOCK;
            int width = Math.min(ITEM_BLOCK, items - start);
            float[] block = new float[dimension * width];
            for (int i = 0; i < width; i++) {
                float[] row = itemEmbeddings[start + i];
                if (row.length != dimension) {
                    throw new IllegalArgumentException(
                            "item embedding "
                                    + (start + i)
                                    + " has dimension "
                                    + row.length
                                    + ", expected "
                                    + dimension);
                }
                for (int j = 0; j < dimension; j++) {
                    block[j * width + i] = row[j];
                }
            }
            blocks[b] = block;
        }
    }

    @Override
    public int size() {
        return items;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Hits[] search(float[][] queries, int k, int[][] excluded) {
        if (excluded != null && excluded.length != queries.length) {
            throw new IllegalArgumentException(
                    queries.length + " queries but " + excluded.length + " exclusion lists");
        }
        Hits[] result = new Hits[queries.length];
        int keep = Math.max(1, Math.min(k, items));
        float[][] scores = new float[QUERY_BLOCK][ITEM_BLOCK];
        TopKHeap[] heaps = new TopKHeap[QUERY_BLOCK];
        for (int q = 0; q < QUERY_BLOCK; q++) {
            heaps[q] = new TopKHeap(keep);
        }
        for (int q0 = 0; q0 < queries.length; q0 += QUERY_BLOCK) {
            int queryCount = Math.min(QUERY_BLOCK, queries.length - q0);
            for (int q = 0; q < queryCount; q++) {
                heaps[q].clear();
                if (queries[q0 + q].length != dimension) {
                    throw new IllegalArgumentException(
                            "query "
                                    + (q0 + q)
                                    + " has dimension "
                                    + queries[q0 + q].length
                                    + ", expected "
                                    + dimension);
                }
            }
            for (int b = 0; b < blocks.length; b++) {
                int start = b * ITEM_BLOCK;
                int width = Math.min(ITEM_BLOCK, items - start);
                float[] block = blocks[b];
                for (int q = 0; q < queryCount; q++) {
                    float[] row = scores[q];
                    scoreBlock(queries[q0 + q], block, width, row);
                    if (excluded != null) {
                        for (int item : excluded[q0 + q]) {
                            if (item >= start && item < start + width) {
                                row[item - start] = Float.NaN; // the heap never keeps NaN
                            }
                        }
                    }
                    TopKHeap heap = heaps[q];
                    for (int i = 0; i < width; i++) {
                        heap.offer(row[i], start + i);
                    }
                }
            }
            for (int q = 0; q < queryCount; q++) {
                result[q0 + q] = k < 1 ? Hits.NONE : heaps[q].drainHits();
            }
        }
        return result;
    }

    @Override
    public long bytes() {
        return (long) items * dimension * Float.BYTES;
    }

    /**
     * out[i] = query . item i of the block, as a sum of axpy passes over the transposed block: the
     * same additions in the same order as {@link InnerProductIndex#dot}, so every index reports
     * equal scores. {@code block} is dimension-major: {@code block[j * width + i]}.
     */
    static void scoreBlock(float[] query, float[] block, int width, float[] out) {
        Arrays.fill(out, 0, width, 0f);
        for (int j = 0; j < query.length; j++) {
            float qj = query[j];
            int base = j * width;
            for (int i = 0; i < width; i++) {
                out[i] += qj * block[base + i];
            }
        }
    }
}
