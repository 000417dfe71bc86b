package org.sdmstream.model.retrieval;

/**
 * Keeps the {@code k} best (score, index) pairs offered to it in a bounded min-heap over primitive
 * arrays, so ranking a large catalogue costs O(n log k) and no boxing. Equal scores rank the lower
 * index first, which makes every ranking deterministic; NaN scores are never kept.
 */
public final class TopKHeap {

    private final float[] scores;
    private final int[] indices;
    private int size;

    public TopKHeap(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        scores = new float[k];
        indices = new int[k];
    }

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /** Whether it holds {@code k} candidates, so that a new one must beat {@link #worstScore}. */
    public boolean isFull() {
        return size == scores.length;
    }

    /** The lowest score kept; only meaningful when not empty. */
    public float worstScore() {
        return scores[0];
    }

    /** Offers one candidate; kept if the heap is not full or it beats the worst kept one. */
    public void offer(float score, int index) {
        if (Float.isNaN(score)) {
            return;
        }
        if (size < scores.length) {
            scores[size] = score;
            indices[size] = index;
            siftUp(size++);
        } else if (worse(scores[0], indices[0], score, index)) {
            scores[0] = score;
            indices[0] = index;
            siftDown(0);
        }
    }

    /** The kept indices, best first; empties the heap. */
    public int[] drainBestFirst() {
        return drainHits().items();
    }

    /** The kept indices with their scores, best first; empties the heap. */
    public Hits drainHits() {
        int[] out = new int[size];
        float[] outScores = new float[size];
        for (int i = size - 1; i >= 0; i--) {
            out[i] = indices[0];
            outScores[i] = scores[0];
            size--;
            scores[0] = scores[size];
            indices[0] = indices[size];
            siftDown(0);
        }
        return new Hits(out, outScores);
    }

    /** Whether (s1, i1) ranks below (s2, i2). */
    private static boolean worse(float s1, int i1, float s2, int i2) {
        return s1 < s2 || (s1 == s2 && i1 > i2);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(scores[i], indices[i], scores[parent], indices[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && worse(scores[right], indices[right], scores[left], indices[left])) {
                worst = right;
            }
            if (!worse(scores[worst], indices[worst], scores[i], indices[i])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int x = indices[a];
        indices[a] = indices[b];
        indices[b] = x;
    }
}
