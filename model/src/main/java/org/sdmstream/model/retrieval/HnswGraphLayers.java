package org.sdmstream.model.retrieval;

import java.nio.IntBuffer;
import java.util.Arrays;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.NeighborArray;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;

/**
 * A finished HNSW graph, frozen for searching: per level one table of fixed-size slots (neighbour
 * count, then the neighbours in ascending id order), level 0 by node and higher levels by the
 * node's position in that level's sorted node list. The same layout in memory after a build and in
 * a stored graph file ({@link ItemGraphFile}), where the slot tables stay memory-mapped: a restart
 * reads no graph into the heap.
 *
 * <p>Neighbours are kept in id order, not Lucene's score order: a search visits a node's neighbours
 * in the order stored, so one canonical order makes a stored graph search exactly as the graph it
 * was written from.
 */
final class HnswGraphLayers {

    static final HnswGraphLayers EMPTY =
            new HnswGraphLayers(0, -1, new int[0][], new IntBuffer[0], new int[0]);

    private final int size;
    private final int entryNode;

    /** Sorted nodes of each level above 0 (index 0 unused: level 0 holds every node). */
    private final int[][] nodesOnLevel;

    /** Per level, slot s at [s * stride, (s + 1) * stride): count, then the neighbour ids. */
    private final IntBuffer[] slots;

    private final int[] stride;

    HnswGraphLayers(
            int size, int entryNode, int[][] nodesOnLevel, IntBuffer[] slots, int[] stride) {
        this.size = size;
        this.entryNode = entryNode;
        this.nodesOnLevel = nodesOnLevel;
        this.slots = slots;
        this.stride = stride;
    }

    /** The layers of Lucene's graph over {@code size} nodes, copied into heap slot tables. */
    static HnswGraphLayers copyOf(OnHeapHnswGraph graph, int size) {
        int levels = graph.numLevels();
        int[][] nodesOnLevel = new int[levels][];
        IntBuffer[] slots = new IntBuffer[levels];
        int[] stride = new int[levels];
        for (int level = 0; level < levels; level++) {
            int[] nodes = level == 0 ? null : sorted(graph.getNodesOnLevel(level));
            nodesOnLevel[level] = nodes;
            int count = level == 0 ? size : nodes.length;
            int widest = 0;
            for (int slot = 0; slot < count; slot++) {
                widest =
                        Math.max(
                                widest,
                                graph.getNeighbors(level, level == 0 ? slot : nodes[slot]).size());
            }
            stride[level] = 1 + widest;
            int[] table = new int[Math.multiplyExact(count, stride[level])];
            for (int slot = 0; slot < count; slot++) {
                NeighborArray n = graph.getNeighbors(level, level == 0 ? slot : nodes[slot]);
                int base = slot * stride[level];
                table[base] = n.size();
                System.arraycopy(n.nodes(), 0, table, base + 1, n.size());
                Arrays.sort(table, base + 1, base + 1 + n.size());
            }
            slots[level] = IntBuffer.wrap(table);
        }
        return new HnswGraphLayers(size, graph.entryNode(), nodesOnLevel, slots, stride);
    }

    int size() {
        return size;
    }

    int entryNode() {
        return entryNode;
    }

    int levels() {
        return slots.length;
    }

    /** Sorted nodes of {@code level} >= 1. */
    int[] nodesOnLevel(int level) {
        return nodesOnLevel[level];
    }

    /** The slot table of {@code level} (read-only use; absolute reads only). */
    IntBuffer slots(int level) {
        return slots[level];
    }

    int stride(int level) {
        return stride[level];
    }

    /** The most neighbours any node has on any level. */
    int maxNeighbours() {
        int max = 0;
        for (int s : stride) {
            max = Math.max(max, s - 1);
        }
        return max;
    }

    /**
     * Copies the neighbours of {@code node} on {@code level} into {@code into} (at least {@link
     * #maxNeighbours()} long); returns how many. A node not on the level has none.
     */
    int neighbours(int level, int node, int[] into) {
        int slot = level == 0 ? node : Arrays.binarySearch(nodesOnLevel[level], node);
        if (slot < 0) {
            return 0;
        }
        IntBuffer table = slots[level];
        int base = slot * stride[level];
        int count = table.get(base);
        table.get(base + 1, into, 0, count);
        return count;
    }

    /** Bytes of the slot tables and node lists (heap after a build, mapped when stored). */
    long bytes() {
        long total = 0;
        for (int level = 0; level < slots.length; level++) {
            total += (long) slots[level].capacity() * Integer.BYTES;
            total += level == 0 ? 0 : (long) nodesOnLevel[level].length * Integer.BYTES;
        }
        return total;
    }

    private static int[] sorted(HnswGraph.NodesIterator it) {
        int[] nodes = new int[it.size()];
        for (int i = 0; it.hasNext(); i++) {
            nodes[i] = it.nextInt();
        }
        Arrays.sort(nodes);
        return nodes;
    }
}
