package org.sdmstream.model.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.NeighborArray;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Approximate maximum-inner-product search: an HNSW graph built by Apache Lucene's {@link
 * HnswGraphBuilder} over the item embeddings ({@link
 * VectorSimilarityFunction#MAXIMUM_INNER_PRODUCT}) with the graph settings of an {@link
 * HnswSettings}, searched with its search beam. Results are re-scored with {@link
 * InnerProductIndex#dot}, so a hit reports the same score as the exact index would.
 *
 * <p>After the build the graph is copied into plain neighbour arrays: Lucene's on-heap graph keeps
 * its read cursor inside itself, so it cannot serve the stream's subtasks at once; each search here
 * walks its own cursor over the shared arrays.
 */
public final class HnswInnerProductIndex implements InnerProductIndex {

    /** The graph is random; a fixed seed makes it, and every result, reproducible. */
    static final long SEED = 42L;

    private static final VectorSimilarityFunction SIMILARITY =
            VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;

    private final float[][] vectors;
    private final int dimension;
    private final HnswSettings settings;
    private final int entryNode;

    /**
     * neighbours[level][slot]: level 0 by node, higher levels by the node's slot in nodesOnLevel.
     */
    private final int[][][] neighbours;

    /** Sorted nodes of each level above 0 (index 0 unused). */
    private final int[][] nodesOnLevel;

    /** The graph with the default settings ({@link HnswSettings#DEFAULTS}). */
    public HnswInnerProductIndex(float[][] itemEmbeddings) {
        this(itemEmbeddings, HnswSettings.DEFAULTS);
    }

    public HnswInnerProductIndex(float[][] itemEmbeddings, HnswSettings settings) {
        this.vectors = itemEmbeddings;
        this.dimension = itemEmbeddings.length == 0 ? 0 : itemEmbeddings[0].length;
        this.settings = settings;
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
        if (itemEmbeddings.length == 0) {
            entryNode = -1;
            neighbours = new int[0][][];
            nodesOnLevel = new int[0][];
            return;
        }
        try {
            OnHeapHnswGraph graph =
                    HnswGraphBuilder.create(
                                    new Supplier(itemEmbeddings),
                                    settings.maxConnections(),
                                    settings.buildBeam(),
                                    SEED)
                            .build(itemEmbeddings.length);
            int levels = graph.numLevels();
            entryNode = graph.entryNode();
            neighbours = new int[levels][][];
            nodesOnLevel = new int[levels][];
            for (int level = 0; level < levels; level++) {
                int[] nodes = level == 0 ? null : nodes(graph.getNodesOnLevel(level));
                nodesOnLevel[level] = nodes;
                int count = level == 0 ? itemEmbeddings.length : nodes.length;
                neighbours[level] = new int[count][];
                for (int slot = 0; slot < count; slot++) {
                    NeighborArray n = graph.getNeighbors(level, level == 0 ? slot : nodes[slot]);
                    neighbours[level][slot] = Arrays.copyOf(n.nodes(), n.size());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot build the HNSW graph", e); // in-memory: never happens
        }
    }

    private HnswInnerProductIndex(HnswInnerProductIndex graph, HnswSettings settings) {
        this.vectors = graph.vectors;
        this.dimension = graph.dimension;
        this.settings = settings;
        this.entryNode = graph.entryNode;
        this.neighbours = graph.neighbours;
        this.nodesOnLevel = graph.nodesOnLevel;
    }

    /** The same graph (shared, not copied) searched with a beam of {@code beam} candidates. */
    public HnswInnerProductIndex withSearchBeam(int beam) {
        return new HnswInnerProductIndex(this, settings.withSearchBeam(beam));
    }

    public HnswSettings settings() {
        return settings;
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

    @Override
    public long bytes() {
        long total = (long) vectors.length * (16L + (long) dimension * Float.BYTES);
        for (int[][] level : neighbours) {
            for (int[] n : level) {
                total += 16L + (long) n.length * Integer.BYTES; // array header + ids
            }
            total += 16L + (long) level.length * 8L;
        }
        for (int[] nodes : nodesOnLevel) {
            total += nodes == null ? 0 : 16L + (long) nodes.length * Integer.BYTES;
        }
        return total;
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

    private static int[] nodes(HnswGraph.NodesIterator it) {
        int[] nodes = new int[it.size()];
        for (int i = 0; it.hasNext(); i++) {
            nodes[i] = it.nextInt();
        }
        Arrays.sort(nodes);
        return nodes;
    }

    /** A read cursor over the frozen graph; one per search, so searches run in parallel. */
    private final class GraphView extends HnswGraph {
        private int[] current = new int[0];
        private int next;

        @Override
        public void seek(int level, int target) {
            int slot = level == 0 ? target : Arrays.binarySearch(nodesOnLevel[level], target);
            current = slot < 0 ? new int[0] : neighbours[level][slot];
            next = 0;
        }

        @Override
        public int size() {
            return vectors.length;
        }

        @Override
        public int nextNeighbor() {
            return next < current.length ? current[next++] : NO_MORE_DOCS;
        }

        @Override
        public int numLevels() {
            return neighbours.length;
        }

        @Override
        public int entryNode() {
            return entryNode;
        }

        @Override
        public NodesIterator getNodesOnLevel(int level) {
            return level == 0
                    ? new ArrayNodesIterator(vectors.length)
                    : new ArrayNodesIterator(nodesOnLevel[level], nodesOnLevel[level].length);
        }
    }

    private static final int NO_MORE_DOCS = org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;

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
