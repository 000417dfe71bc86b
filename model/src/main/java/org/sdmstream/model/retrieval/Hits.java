package org.sdmstream.model.retrieval;

/**
 * One query's result from an {@link InnerProductIndex}: item rows and their inner products with the
 * query, best first (equal scores: lower row first).
 */
public record Hits(int[] items, float[] scores) {

    static final Hits NONE = new Hits(new int[0], new float[0]);

    public Hits {
        if (items.length != scores.length) {
            throw new IllegalArgumentException(
                    items.length + " items but " + scores.length + " scores");
        }
    }

    public int size() {
        return items.length;
    }
}
