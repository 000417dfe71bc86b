package org.sdmstream.model.retrieval;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Maximum-inner-product search over inverted lists with bounds. Items are grouped by k-means (on a
 * sample, then every item to its nearest centre) into lists; each list keeps its centre c and its
 * radius r, the largest distance of a member from c. For a query q no member x of a list can score
 * above {@code q.c + |q| r} (Cauchy-Schwarz on x - c). A search scores the centres, visits the
 * lists in the order of that bound, scores their members exactly, and stops at the first list whose
 * bound is below the k-th best score found: unlike a graph, it then has the exact top-k (same
 * scores and ties as {@link ExactInnerProductIndex}, whose blocked summation it shares). A cap on
 * the lists visited ({@code maxProbes}) trades that guarantee for time.
 *
 * <p>The bound is what makes this fit inner products over a table whose norms spread (a trained
 * item table's do): a list of long vectors has a large {@code q.c}, so it is visited early, however
 * far its centre is in angle. How many lists a search visits depends on how tight the lists are
 * against the spread of {@code q.c}: docs/benchmarks.md measures it.
 */
public final class IvfInnerProductIndex implements InnerProductIndex {

    /** Sample points per list for the k-means, as faiss trains its inverted lists. */
    static final int SAMPLE_PER_LIST = 64;

    static final int KMEANS_ITERATIONS = 12;

    private final int items;
    private final int dimension;
    private final float[][] centres;

    /** The centres, dimension-major, for one vectorised pass per query. */
    private final float[] centreBlock;

    private final float[] radii;

    /** Per list: its items' rows, ascending. */
    private final int[][] members;

    /** Per list: its members' vectors, dimension-major ({@code block[j * n + i]}). */
    private final float[][] blocks;

    private final int maxProbes;

    private IvfInnerProductIndex(
            int items,
            int dimension,
            float[][] centres,
            float[] radii,
            int[][] members,
            float[][] blocks,
            int maxProbes) {
        this.items = items;
        this.dimension = dimension;
        this.centres = centres;
        this.centreBlock = new float[dimension * centres.length];
        for (int c = 0; c < centres.length; c++) {
            for (int j = 0; j < dimension; j++) {
                centreBlock[j * centres.length + c] = centres[c][j];
            }
        }
        this.radii = radii;
        this.members = members;
        this.blocks = blocks;
        this.maxProbes = maxProbes;
    }

    /** Items scanned per search that {@link #forCatalogue} aims at (lists x their mean size). */
    static final int SCANNED_ITEMS = 8192;

    /**
     * The index {@code retrieval.index=ivf} builds: about 2 sqrt(n) lists (a power of two), each
     * search visiting the best-bounded lists that hold about {@value #SCANNED_ITEMS} items.
     * Measured on the ml-100k model's table grown to 100,000 and 1,000,000 items
     * (docs/benchmarks.md): 6,000 to 8,000 items scanned gave recall@50 0.94-0.97.
     */
    public static IvfInnerProductIndex forCatalogue(float[][] itemEmbeddings) {
        int n = itemEmbeddings.length;
        int lists = Math.max(1, Integer.highestOneBit((int) Math.round(2 * Math.sqrt(n) * 1.41)));
        IvfInnerProductIndex index = build(itemEmbeddings, lists, 42);
        long perList = Math.max(1, n / index.lists());
        return index.withMaxProbes((int) Math.max(1, (SCANNED_ITEMS + perList - 1) / perList));
    }

    /**
     * Groups {@code itemEmbeddings} into {@code lists} lists (k-means from {@code seed}); searches
     * are exact until {@link #withMaxProbes} caps them.
     */
    public static IvfInnerProductIndex build(float[][] itemEmbeddings, int lists, long seed) {
        int n = itemEmbeddings.length;
        if (n == 0) {
            throw new IllegalArgumentException("no items");
        }
        int d = itemEmbeddings[0].length;
        for (int i = 0; i < n; i++) {
            if (itemEmbeddings[i].length != d) {
                throw new IllegalArgumentException(
                        "item embedding "
                                + i
                                + " has dimension "
                                + itemEmbeddings[i].length
                                + ", expected "
                                + d);
            }
        }
        int listCount = Math.max(1, Math.min(lists, n));
        Random random = new Random(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[][] sample = new float[Math.min(n, SAMPLE_PER_LIST * listCount)][];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = itemEmbeddings[order[i]];
        }
        float[][] centres = new float[listCount][];
        for (int c = 0; c < listCount; c++) {
            centres[c] = sample[c].clone();
        }
        for (int iteration = 0; iteration < KMEANS_ITERATIONS; iteration++) {
            int[] nearest = nearestCentres(sample, centres);
            float[][] sums = new float[listCount][d];
            int[] counts = new int[listCount];
            for (int i = 0; i < sample.length; i++) {
                float[] sum = sums[nearest[i]];
                for (int j = 0; j < d; j++) {
                    sum[j] += sample[i][j];
                }
                counts[nearest[i]]++;
            }
            for (int c = 0; c < listCount; c++) {
                if (counts[c] == 0) {
                    // An empty list restarts at a random sample point.
                    centres[c] = sample[random.nextInt(sample.length)].clone();
                } else {
                    for (int j = 0; j < d; j++) {
                        sums[c][j] /= counts[c];
                    }
                    centres[c] = sums[c];
                }
            }
        }
        int[] nearest = nearestCentres(itemEmbeddings, centres);
        int[] sizes = new int[listCount];
        for (int list : nearest) {
            sizes[list]++;
        }
        int[][] members = new int[listCount][];
        for (int c = 0; c < listCount; c++) {
            members[c] = new int[sizes[c]];
        }
        int[] filled = new int[listCount];
        for (int i = 0; i < n; i++) {
            members[nearest[i]][filled[nearest[i]]++] = i;
        }
        float[] radii = new float[listCount];
        for (int c = 0; c < listCount; c++) {
            double radius = 0;
            for (int row : members[c]) {
                double squared = 0;
                for (int j = 0; j < d; j++) {
                    double diff = itemEmbeddings[row][j] - centres[c][j];
                    squared += diff * diff;
                }
                radius = Math.max(radius, Math.sqrt(squared));
            }
            // Rounded up by a little float round-off: the bound must never be below a member.
            radii[c] = (float) (radius * (1 + 1e-5)) + 1e-6f;
        }
        return of(itemEmbeddings, centres, radii, members);
    }

    /**
     * The index of lists already grouped (stored ones, {@link ItemListsFile}): every row of {@code
     * itemEmbeddings} in exactly one of {@code members}, each list within {@code radii} of its
     * centre; uncapped.
     */
    static IvfInnerProductIndex of(
            float[][] itemEmbeddings, float[][] centres, float[] radii, int[][] members) {
        int n = itemEmbeddings.length;
        int d = itemEmbeddings[0].length;
        float[][] blocks = new float[centres.length][];
        for (int c = 0; c < centres.length; c++) {
            int size = members[c].length;
            float[] block = new float[d * size];
            for (int i = 0; i < size; i++) {
                float[] row = itemEmbeddings[members[c][i]];
                for (int j = 0; j < d; j++) {
                    block[j * size + i] = row[j];
                }
            }
            blocks[c] = block;
        }
        return new IvfInnerProductIndex(n, d, centres, radii, members, blocks, Integer.MAX_VALUE);
    }

    float[] centre(int list) {
        return centres[list];
    }

    float radius(int list) {
        return radii[list];
    }

    int[] members(int list) {
        return members[list];
    }

    /** The nearest centre of every point, by squared distance (ties: the lower centre). */
    private static int[] nearestCentres(float[][] points, float[][] centres) {
        // |x - c|^2 = |x|^2 - 2 x.c + |c|^2: the nearest centre has the largest x.c - |c|^2 / 2,
        // an inner product over [c, -|c|^2/2] and [x, 1], which the exact index computes fast.
        int d = centres[0].length;
        float[][] augmented = new float[centres.length][d + 1];
        for (int c = 0; c < centres.length; c++) {
            float squared = 0;
            for (int j = 0; j < d; j++) {
                augmented[c][j] = centres[c][j];
                squared += centres[c][j] * centres[c][j];
            }
            augmented[c][d] = -squared / 2;
        }
        ExactInnerProductIndex index = new ExactInnerProductIndex(augmented);
        int[] nearest = new int[points.length];
        int chunk = 4096;
        // Chunks on every core: the index is read-only, each chunk writes its own slots.
        IntStream.range(0, (points.length + chunk - 1) / chunk)
                .parallel()
                .forEach(
                        c -> {
                            int start = c * chunk;
                            int size = Math.min(chunk, points.length - start);
                            float[][] queries = new float[size][];
                            for (int i = 0; i < size; i++) {
                                queries[i] = Arrays.copyOf(points[start + i], d + 1);
                                queries[i][d] = 1f;
                            }
                            Hits[] hits = index.search(queries, 1, null);
                            for (int i = 0; i < size; i++) {
                                nearest[start + i] = hits[i].items()[0];
                            }
                        });
        return nearest;
    }

    /** The same lists, each search visiting at most {@code probes} of them (approximate). */
    public IvfInnerProductIndex withMaxProbes(int probes) {
        if (probes < 1) {
            throw new IllegalArgumentException("probes must be >= 1, got " + probes);
        }
        return new IvfInnerProductIndex(items, dimension, centres, radii, members, blocks, probes);
    }

    /** The most lists a search visits ({@link Integer#MAX_VALUE}: uncapped, exact). */
    public int maxProbes() {
        return maxProbes;
    }

    public int lists() {
        return centres.length;
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
        if (k < 1) {
            Arrays.fill(result, Hits.NONE);
            return result;
        }
        TopKHeap heap = new TopKHeap(Math.min(k, items));
        int listCount = centres.length;
        float[] bounds = new float[listCount];
        long[] byBound = new long[listCount];
        float[] scores = new float[maxListSize()];
        for (int q = 0; q < queries.length; q++) {
            float[] query = queries[q];
            if (query.length != dimension) {
                throw new IllegalArgumentException(
                        "query "
                                + q
                                + " has dimension "
                                + query.length
                                + ", expected "
                                + dimension);
            }
            float norm = (float) Math.sqrt(InnerProductIndex.dot(query, query));
            ExactInnerProductIndex.scoreBlock(query, centreBlock, listCount, bounds);
            for (int c = 0; c < listCount; c++) {
                bounds[c] += norm * radii[c];
                // Sorted ascending as longs: the bound's order-preserving bits, then the list.
                byBound[c] = ((long) sortable(bounds[c]) << 32) | c;
            }
            int probes = Math.min(maxProbes, listCount);
            long[] best = bestFirst(byBound, probes);
            int[] skip = excluded == null ? null : excluded[q];
            heap.clear();
            for (int p = 0; p < probes; p++) {
                int list = (int) best[probes - 1 - p];
                if (heap.isFull() && bounds[list] < heap.worstScore()) {
                    break; // no member of this or any later list can enter the top k
                }
                int[] rows = members[list];
                ExactInnerProductIndex.scoreBlock(query, blocks[list], rows.length, scores);
                for (int i = 0; i < rows.length; i++) {
                    // Most members cannot enter the top k: look them up in the exclusions only
                    // when they could (ties included, the heap decides).
                    boolean candidate = !heap.isFull() || scores[i] >= heap.worstScore();
                    if (candidate && (skip == null || !contains(skip, rows[i]))) {
                        heap.offer(scores[i], rows[i]);
                    }
                }
            }
            result[q] = heap.drainHits();
        }
        return result;
    }

    /**
     * The {@code count} largest of {@code keys}, ascending (so the best is last). A capped search
     * needs a few of the lists only: a bounded min-heap picks them in one pass instead of sorting
     * them all, which cost more than scanning the lists themselves.
     */
    static long[] bestFirst(long[] keys, int count) {
        if (count * 8L >= keys.length) {
            Arrays.sort(keys);
            return count == keys.length
                    ? keys
                    : Arrays.copyOfRange(keys, keys.length - count, keys.length);
        }
        long[] top = new long[count];
        int size = 0;
        for (long key : keys) {
            if (size < count) {
                int i = size++;
                top[i] = key;
                while (i > 0 && top[(i - 1) / 2] > top[i]) {
                    long t = top[i];
                    top[i] = top[(i - 1) / 2];
                    top[(i - 1) / 2] = t;
                    i = (i - 1) / 2;
                }
            } else if (key > top[0]) {
                top[0] = key;
                int i = 0;
                while (true) {
                    int smallest = i;
                    int left = 2 * i + 1;
                    int right = left + 1;
                    if (left < count && top[left] < top[smallest]) {
                        smallest = left;
                    }
                    if (right < count && top[right] < top[smallest]) {
                        smallest = right;
                    }
                    if (smallest == i) {
                        break;
                    }
                    long t = top[i];
                    top[i] = top[smallest];
                    top[smallest] = t;
                    i = smallest;
                }
            }
        }
        Arrays.sort(top);
        return top;
    }

    /** An int whose signed order is the float's order (NaN aside). */
    private static int sortable(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    private int maxListSize() {
        int max = 0;
        for (int[] m : members) {
            max = Math.max(max, m.length);
        }
        return max;
    }

    private static boolean contains(int[] rows, int row) {
        for (int r : rows) {
            if (r == row) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long bytes() {
        long vectors = (long) items * dimension * Float.BYTES;
        long rows = (long) items * Integer.BYTES;
        long lists = (long) centres.length * (dimension + 1) * Float.BYTES;
        return vectors + rows + lists;
    }
}
