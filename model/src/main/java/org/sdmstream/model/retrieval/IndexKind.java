package org.sdmstream.model.retrieval;

/**
 * Which {@link InnerProductIndex} an {@link ItemIndex} searches with: exact up to {@link
 * #EXACT_MAX_ITEMS} items and inverted lists with bounds above ({@code auto}), or one of them
 * always: exact, HNSW, or inverted lists ({@code ivf}, {@link IvfInnerProductIndex#forCatalogue}).
 *
 * <p>Why {@code auto} picks the lists above the crossover (docs/benchmarks.md, "Which index {@code
 * auto} picks"): on a trained model's table, grown to 100,000 and 1,000,000 items, and on the job's
 * own user vectors they reach a higher recall@50 than the HNSW graph at its default search beam,
 * they build at model load in about a minute at a million items where the graph takes half an hour
 * (a restart without a stored index would stall the stream that long), and they take 261 bytes per
 * item against 409. The graph stays for tables without structure (random vectors), where the lists'
 * bounds are loose.
 */
public enum IndexKind {
    AUTO("auto"),
    EXACT("exact"),
    HNSW("hnsw"),
    IVF("ivf");

    /**
     * Catalogue size up to which {@code auto} scans exactly. Measured (docs/benchmarks.md, "Top-K
     * retrieval"): the exact scan costs about 21 microseconds per query per 1,000 items (0.22 ms at
     * 10,000, 2.1 ms at 100,000, 21.8 ms at 1,000,000), linear in items; the HNSW graph with the
     * default settings (search beam 200) costs about 0.2-0.36 ms per query from 10,000 to 100,000
     * clustered items, as trained item tables are, at recall@50 0.976-0.999. The two cost the same
     * near 10,000 items; at 20,000 HNSW is twice as cheap, at 100,000 nine times. Up to 20,000 the
     * exact scan costs at most half a millisecond per query, with perfect recall and no graph to
     * build at load, so {@code auto} keeps it there. The crossover was measured against the graph;
     * the lists that {@code auto} now uses above it were not measured near 20,000 items (there
     * {@link IvfInnerProductIndex#forCatalogue} visits about 8,000 items, some 40 % of the table).
     */
    public static final int EXACT_MAX_ITEMS = 20_000;

    private final String text;

    IndexKind(String text) {
        this.text = text;
    }

    /**
     * The kind {@code auto} resolves to for a table of {@code items} rows; other kinds stay as they
     * are.
     */
    public IndexKind resolve(int items) {
        return this != AUTO ? this : items <= EXACT_MAX_ITEMS ? EXACT : IVF;
    }

    /** The index of this kind over {@code vectors}; an HNSW graph with the default settings. */
    public InnerProductIndex build(float[][] vectors) {
        return build(vectors, HnswSettings.DEFAULTS);
    }

    /** The index of this kind over {@code vectors}; {@code hnsw} is built and searched as set. */
    public InnerProductIndex build(float[][] vectors, HnswSettings hnsw) {
        return switch (resolve(vectors.length)) {
            case EXACT -> new ExactInnerProductIndex(vectors);
            case HNSW -> new HnswInnerProductIndex(vectors, hnsw);
            case IVF -> IvfInnerProductIndex.forCatalogue(vectors);
            case AUTO -> throw new AssertionError("resolved");
        };
    }

    /** Parses {@code auto}, {@code exact}, {@code hnsw} or {@code ivf} (any case). */
    public static IndexKind parse(String text) {
        for (IndexKind k : values()) {
            if (k.text.equalsIgnoreCase(text.trim()) || k.name().equalsIgnoreCase(text.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException(
                "unknown index kind '" + text + "'; expected auto, exact, hnsw or ivf");
    }

    @Override
    public String toString() {
        return text;
    }
}
