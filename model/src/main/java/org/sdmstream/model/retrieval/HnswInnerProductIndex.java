package org.sdmstream.model.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Approximate maximum-inner-product search: an HNSW graph built by Apache Lucene's {@link
 * HnswGraphBuilder} over the item embeddings ({@link
 * VectorSimilarityFunction#MAXIMUM_INNER_PRODUCT}) with the graph settings of an {@link
 * HnswSettings}, searched with its search beam. Results are re-scored with {@link
 * InnerProductIndex#dot}, so a hit reports the same score as the exact index would.
 *
 * <p>After the build the graph is frozen into {@link HnswGraphLayers}: Lucene's on-heap graph keeps
 * its read cursor inside itself, so it cannot serve the stream's subtasks at once; each search here
 * walks its own cursor over the shared layers. The layers can be stored with the model ({@link
 * ItemGraphFile}, {@code sdm index}) and searched from the mapped file instead of being rebuilt.
 */
public final class HnswInnerProductIndex implements InnerProductIndex {

    /** The graph is random; a fixed seed makes it, and every result, reproducible. */
    static final long SEED = 42L;

    private static final VectorSimilarityFunction SIMILARITY =
            VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;

    private final float[][] vectors;
    private final int dimension;
    private final HnswSettings settings;
    private final HnswGraphLayers layers;

    /** The graph with the default settings ({@link HnswSettings#DEFAULTS}). */
    public HnswInnerProductIndex(float[][] itemEmbeddings) {
        this(itemEmbeddings, HnswSettings.DEFAULTS);
    }

    public HnswInnerProductIndex(float[][] itemEmbeddings, HnswSettings settings) {
        this(itemEmbeddings, settings, build(checked(itemEmbeddings), settings));
    }

    /** An index over a graph already built over {@code itemEmbeddings} with {@code settings}. */
    HnswInnerProductIndex(float[][] itemEmbeddings, HnswSettings settings, HnswGraphLayers layers) {
        if (layers.size() != itemEmbeddings.length) {
            throw new IllegalArgumentException(
                    "a graph of "
                            + layers.size()
                            + " items for a table of "
                            + itemEmbeddings.length);
        }
        this.vectors = itemEmbeddings;
        this.dimension = itemEmbeddings.length == 0 ? 0 : itemEmbeddings[0].length;
        this.settings = settings;
        this.layers = layers;
    }

    /** The same graph (shared, not copied) searched with a beam of {@code beam} candidates. */
    public HnswInnerProductIndex withSearchBeam(int beam) {
        return new HnswInnerProductIndex(vectors, settings.withSearchBeam(beam), layers);
    }

    public HnswSettings settings() {
        return settings;
    }

    HnswGraphLayers layers() {
        return layers;
    }

    float[][] vectors() {
        return vectors;
    }

    private static float[][] checked(float[][] itemEmbeddings) {
        int dimension = itemEmbeddings.length == 0 ? 0 : itemEmbeddings[0].length;
        for (int i = 0; i < itemEmbeddings.length; i++) {
            if (itemEmbeddings[i].length != dimension) {
                throw new IllegalArgumentException(
                        "item embedding "
                                + i
                                + " has dimension "
                                + itemEmbeddings[i].length
                                + ", expected "
                                + dimension);
            }
        }
        return itemEmbeddings;
    }

    private static HnswGraphLayers build(float[][] itemEmbeddings, HnswSettings settings) {
        if (itemEmbeddings.length == 0) {
            return HnswGraphLayers.EMPTY;
        }
        try {
            return HnswGraphLayers.copyOf(
                    HnswGraphBuilder.create(
                                    new Supplier(itemEmbeddings),
                                    settings.maxConnections(),
                                    settings.buildBeam(),
                                    SEED)
                            .build(itemEmbeddings.length),
                    itemEmbeddings.length);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot build the HNSW graph", e); // in-memory: never happens
        }
    }

    @Override
    public int size() {
        return vectors.length;
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
        Hits[] out = new Hits[queries.length];
        for (int q = 0; q < queries.length; q++) {
            if (vectors.length > 0 && queries[q].length != dimension) {
                throw new IllegalArgumentException(
                        "query "
                                + q
                                + " has dimension "
                                + queries[q].length
                                + ", expected "
                                + dimension);
            }
            out[q] =
                    k < 1 || vectors.length == 0
                            ? Hits.NONE
                            : searchOne(queries[q], k, excluded == null ? new int[0] : excluded[q]);
        }
        return out;
    }

    private Hits searchOne(float[] query, int k, int[] excluded) {
        TopKnnCollector collector =
                new TopKnnCollector(Math.max(k, settings.searchBeam()), Integer.MAX_VALUE);
        try {
            HnswGraphSearcher.search(
                    new QueryScorer(vectors, query),
                    collector,
                    new GraphView(),
                    acceptAllBut(excluded));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TopDocs found = collector.topDocs();
        TopKHeap heap = new TopKHeap(k);
        for (var hit : found.scoreDocs) {
            heap.offer(InnerProductIndex.dot(query, vectors[hit.doc]), hit.doc);
        }
        return heap.drainHits();
    }

    /**
     * The item vectors (array headers included) plus the graph, whether on the heap after a build
     * or mapped from a stored graph file.
     */
    @Override
    public long bytes() {
        return (long) vectors.length * (16L + (long) dimension * Float.BYTES) + layers.bytes();
    }

    private static Bits acceptAllBut(int[] excluded) {
        if (excluded.length == 0) {
            return null; // Lucene: null accepts every node
        }
        int[] sorted = excluded.clone();
        Arrays.sort(sorted);
        int length = Integer.MAX_VALUE;
        return new Bits() {
            @Override
            public boolean get(int index) {
                return Arrays.binarySearch(sorted, index) < 0;
            }

            @Override
            public int length() {
                return length;
            }
        };
    }

    /** A read cursor over the frozen graph; one per search, so searches run in parallel. */
    private final class GraphView extends HnswGraph {
        private final int[] current = new int[layers.maxNeighbours()];
        private int count;
        private int next;

        @Override
        public void seek(int level, int target) {
            count = layers.neighbours(level, target, current);
            next = 0;
        }

        @Override
        public int size() {
            return vectors.length;
        }

        @Override
        public int nextNeighbor() {
            return next < count ? current[next++] : DocIdSetIterator.NO_MORE_DOCS;
        }

        @Override
        public int numLevels() {
            return layers.levels();
        }

        @Override
        public int entryNode() {
            return layers.entryNode();
        }

        @Override
        public NodesIterator getNodesOnLevel(int level) {
            if (level == 0) {
                return new ArrayNodesIterator(vectors.length);
            }
            int[] nodes = layers.nodesOnLevel(level);
            return new ArrayNodesIterator(nodes, nodes.length);
        }
    }

    /** Lucene's score of every row against one query vector. */
    private record QueryScorer(float[][] vectors, float[] query) implements RandomVectorScorer {
        @Override
        public float score(int node) {
            return SIMILARITY.compare(query, vectors[node]);
        }

        @Override
        public int maxOrd() {
            return vectors.length;
        }
    }

    /** What the builder scores a row being inserted against: the other rows. */
    private record Supplier(float[][] vectors) implements RandomVectorScorerSupplier {
        @Override
        public RandomVectorScorer scorer(int node) {
            return new QueryScorer(vectors, vectors[node]);
        }

        @Override
        public RandomVectorScorerSupplier copy() {
            return this;
        }
    }
}
