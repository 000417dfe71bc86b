package org.sdmstream.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.model.retrieval.ItemCatalogue;
import org.sdmstream.model.retrieval.TopKHeap;

/**
 * Item-to-item collaborative filtering from co-occurrence in the users' training sequences. Two
 * clicks of a user at most {@code window} positions apart (in the shared event-time order) count as
 * one co-occurrence of their items, in both directions; similarity is count / sqrt(pop(a) pop(b))
 * with pop the item's click count, and each item keeps its {@code neighbours} most similar items. A
 * user's score for an item is the sum of its similarities to the user's {@code recentItems} most
 * recent input items (history, then session); lists shorter than K (few neighbours) are filled with
 * the most popular items.
 *
 * <p>Not thread-safe: scoring reuses one scratch array over the catalogue.
 */
public final class ItemCoOccurrenceRecommender implements Recommender {

    public static final String NAME = "itemcf";

    /**
     * @param window positions apart (1 = adjacent clicks only) within which two clicks co-occur
     * @param neighbours similar items kept per item
     * @param recentItems input items (most recent first) whose neighbours are summed
     */
    public record Config(int window, int neighbours, int recentItems) {
        /**
         * Chosen on ml-100k's validation carve-out (second-to-last clicks), not on the test clicks.
         */
        public static final Config DEFAULT = new Config(10, 200, 5);

        public Config {
            if (window < 1 || neighbours < 1 || recentItems < 1) {
                throw new IllegalArgumentException(
                        "item-cf window, neighbours and recent items must be >= 1: " + this);
            }
        }
    }

    private final ItemCatalogue catalogue = new ItemCatalogue();
    private final int[][] neighbourIndex;
    private final float[][] neighbourSimilarity;
    private final PopularityRecommender popular;
    private final Config config;
    private final float[] scratch;
    private final boolean[] touched;

    public ItemCoOccurrenceRecommender(List<Click> trainingClicks, Config config) {
        this.config = config;
        this.popular = new PopularityRecommender(trainingClicks);
        Map<String, List<Click>> byUser = OfflineSessionizer.byUserInTimeOrder(trainingClicks);
        int[] popularity = new int[16];
        PairCounter pairs = new PairCounter();
        for (List<Click> clicks : byUser.values()) {
            int[] sequence = new int[clicks.size()];
            for (int p = 0; p < sequence.length; p++) {
                int item = catalogue.add(clicks.get(p).behavior().itemId());
                if (item >= popularity.length) {
                    popularity = Arrays.copyOf(popularity, 2 * popularity.length);
                }
                popularity[item]++;
                sequence[p] = item;
            }
            for (int p = 0; p < sequence.length; p++) {
                for (int q = p + 1; q < sequence.length && q - p <= config.window(); q++) {
                    if (sequence[p] != sequence[q]) {
                        pairs.add(sequence[p], sequence[q]);
                        pairs.add(sequence[q], sequence[p]);
                    }
                }
            }
        }
        int n = catalogue.size();
        neighbourIndex = new int[n][0];
        neighbourSimilarity = new float[n][0];
        keepNearest(pairs.sortedPairs(), pairs.size(), popularity);
        scratch = new float[n];
        touched = new boolean[n];
    }

    /** The factory for the harness. */
    public static RecommenderFactory factory(Config config) {
        return new RecommenderFactory() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Recommender build(TrainingSplit training, long seed) {
                return new ItemCoOccurrenceRecommender(training.clicks(), config);
            }
        };
    }

    /** Turns sorted (a, b) pairs into similarities and keeps each item's nearest neighbours. */
    private void keepNearest(long[] sorted, int size, int[] popularity) {
        TopKHeap heap = new TopKHeap(config.neighbours());
        float[] similarityOf = new float[catalogue.size()];
        int i = 0;
        while (i < size) {
            int a = (int) (sorted[i] >>> 32);
            heap.clear();
            while (i < size && (int) (sorted[i] >>> 32) == a) {
                long pair = sorted[i];
                int count = 0;
                while (i < size && sorted[i] == pair) {
                    count++;
                    i++;
                }
                int b = (int) pair;
                float similarity =
                        (float) (count / Math.sqrt((double) popularity[a] * popularity[b]));
                similarityOf[b] = similarity;
                heap.offer(similarity, b);
            }
            int[] nearest = heap.drainBestFirst();
            float[] similarities = new float[nearest.length];
            for (int j = 0; j < nearest.length; j++) {
                similarities[j] = similarityOf[nearest[j]];
            }
            neighbourIndex[a] = nearest;
            neighbourSimilarity[a] = similarities;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> recommend(ModelInput input, int k, Set<String> excluded) {
        List<Integer> scored = new ArrayList<>();
        for (int item : recentItems(input)) {
            int[] neighbours = neighbourIndex[item];
            float[] similarities = neighbourSimilarity[item];
            for (int j = 0; j < neighbours.length; j++) {
                int b = neighbours[j];
                if (!touched[b]) {
                    touched[b] = true;
                    scored.add(b);
                }
                scratch[b] += similarities[j];
            }
        }
        List<String> top = List.of();
        if (k > 0 && !scored.isEmpty()) {
            TopKHeap heap = new TopKHeap(k);
            for (int b : scored) {
                if (!excluded.contains(catalogue.id(b))) {
                    heap.offer(scratch[b], b);
                }
            }
            top = catalogue.idsOf(heap.drainBestFirst());
        }
        for (int b : scored) {
            scratch[b] = 0f;
            touched[b] = false;
        }
        return top.size() >= k ? top : popular.top(k, excluded, top);
    }

    /** Indices of the known items among the input's most recent {@code recentItems} clicks. */
    private int[] recentItems(ModelInput input) {
        List<Behavior> all = new ArrayList<>(input.history().size() + input.session().size());
        all.addAll(input.history());
        all.addAll(input.session());
        int from = Math.max(0, all.size() - config.recentItems());
        List<String> ids = new ArrayList<>(all.size() - from);
        for (Behavior b : all.subList(from, all.size())) {
            ids.add(b.itemId());
        }
        return catalogue.indicesOf(ids);
    }

    /**
     * Neighbours of {@code itemId} with their similarity, most similar first (for inspection and
     * tests).
     */
    public List<Map.Entry<String, Float>> neighboursOf(String itemId) {
        int a = catalogue.indexOf(itemId);
        if (a < 0) {
            return List.of();
        }
        List<Map.Entry<String, Float>> out = new ArrayList<>();
        for (int j = 0; j < neighbourIndex[a].length; j++) {
            out.add(Map.entry(catalogue.id(neighbourIndex[a][j]), neighbourSimilarity[a][j]));
        }
        return out;
    }

    /**
     * A growable array of (a, b) pairs packed into longs, sorted once at the end: no per-pair
     * objects.
     */
    private static final class PairCounter {
        private long[] pairs = new long[1024];
        private int size;

        void add(int a, int b) {
            if (size == pairs.length) {
                pairs = Arrays.copyOf(pairs, 2 * pairs.length);
            }
            pairs[size++] = ((long) a << 32) | (b & 0xffffffffL);
        }

        int size() {
            return size;
        }

        long[] sortedPairs() {
            Arrays.sort(pairs, 0, size);
            return pairs;
        }
    }
}
