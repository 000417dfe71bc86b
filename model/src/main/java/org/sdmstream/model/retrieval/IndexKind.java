package org.sdmstream.model.retrieval;

/**
 * Which {@link InnerProductIndex} an {@link ItemIndex} searches with: exact up to {@link
 * #EXACT_MAX_ITEMS} items and HNSW above ({@code auto}), or one of them always.
 */
public enum IndexKind {
    AUTO("auto"),
    EXACT("exact"),
    HNSW("hnsw");

    /**
     * Catalogue size up to which {@code auto} scans exactly. Measured (docs/benchmarks.md, "Top-K
     * retrieval"): with Lucene's default graph settings HNSW was no cheaper per batch than the
     * exact scan at 10,000 and 100,000 items and reached only 0.78 recall@50 at 100,000, so {@code
     * auto} stays exact up to a million items until a tuned graph meets recall@50 >= 0.95 there.
     */
    public static final int EXACT_MAX_ITEMS = 1_000_000;

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

    /** The index of this kind over {@code vectors}, an HNSW graph with the default settings. */
    public InnerProductIndex build(float[][] vectors) {
        return build(vectors, HnswSettings.DEFAULTS);
    }

    /** The index of this kind over {@code vectors}; {@code hnsw} is built and searched as set. */
    public InnerProductIndex build(float[][] vectors, HnswSettings hnsw) {
        return switch (resolve(vectors.length)) {
            case EXACT -> new ExactInnerProductIndex(vectors);
            case HNSW -> new HnswInnerProductIndex(vectors, hnsw);
            case AUTO -> throw new AssertionError("resolved");
        };
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
