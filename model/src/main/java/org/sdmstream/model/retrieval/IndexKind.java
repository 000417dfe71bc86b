package org.sdmstream.model.retrieval;

import java.util.function.Function;

/**
 * Which {@link InnerProductIndex} an {@link ItemIndex} searches with: exact up to {@link
 * #EXACT_MAX_ITEMS} items and HNSW above ({@code auto}), or one of them always.
 */
public enum IndexKind {
    AUTO("auto"),
    EXACT("exact"),
    HNSW("hnsw");

    /**
     * Catalogue size where HNSW starts to cost less per query than the exact scan
     * (docs/benchmarks.md, "Top-K retrieval"); below it exact is both cheaper and right by
     * definition.
     */
    public static final int EXACT_MAX_ITEMS = 50_000;

    private final String text;

    IndexKind(String text) {
        this.text = text;
    }

    /**
     * The kind {@code auto} resolves to for a table of {@code items} rows; other kinds stay as they
     * are.
     */
    public IndexKind resolve(int items) {
        return this != AUTO ? this : items <= EXACT_MAX_ITEMS ? EXACT : HNSW;
    }

    /** The index of this kind over {@code vectors}. */
    public InnerProductIndex build(float[][] vectors) {
        Function<float[][], InnerProductIndex> builder =
                switch (resolve(vectors.length)) {
                    case EXACT -> ExactInnerProductIndex::new;
                    case HNSW -> HnswInnerProductIndex::new;
                    case AUTO -> throw new AssertionError("resolved");
                };
        return builder.apply(vectors);
    }

    /** Parses {@code auto}, {@code exact} or {@code hnsw} (any case). */
    public static IndexKind parse(String text) {
        for (IndexKind k : values()) {
            if (k.text.equalsIgnoreCase(text.trim()) || k.name().equalsIgnoreCase(text.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException(
                "unknown index kind '" + text + "'; expected auto, exact or hnsw");
    }

    @Override
    public String toString() {
        return text;
    }
}
