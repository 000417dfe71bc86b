package org.sdmstream.model.retrieval;

import java.io.Serializable;

/**
 * How an {@link HnswInnerProductIndex} is built and searched: the graph's {@code maxConnections}
 * (Lucene's M; level 0 keeps twice as many) and {@code buildBeam} fix the graph, the {@code
 * searchBeam} (candidates kept while searching, at least k) trades recall for time at query time
 * only. Defaults: Lucene's M = 16 and build beam 100, search beam 200 (docs/benchmarks.md).
 */
public record HnswSettings(int maxConnections, int buildBeam, int searchBeam)
        implements Serializable {

    /** The largest M Lucene's own HNSW format accepts. */
    public static final int MAX_CONNECTIONS_LIMIT = 512;

    /** The largest build beam Lucene's own HNSW format accepts. */
    public static final int BUILD_BEAM_LIMIT = 3200;

    public static final HnswSettings DEFAULTS = new HnswSettings(16, 100, 200);

    public HnswSettings {
        check("max connections", maxConnections, MAX_CONNECTIONS_LIMIT);
        check("build beam", buildBeam, BUILD_BEAM_LIMIT);
        check("search beam", searchBeam, Integer.MAX_VALUE);
    }

    /** The same graph, searched with another beam. */
    public HnswSettings withSearchBeam(int beam) {
        return new HnswSettings(maxConnections, buildBeam, beam);
    }

    /** Whether a graph built with {@code other} is the graph these settings build. */
    public boolean sameGraphAs(HnswSettings other) {
        return maxConnections == other.maxConnections && buildBeam == other.buildBeam;
    }

    private static void check(String name, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(
                    "HNSW " + name + " must be between 1 and " + max + ", got " + value);
        }
    }

    @Override
    public String toString() {
        return "M " + maxConnections + ", build beam " + buildBeam + ", search beam " + searchBeam;
    }
}
