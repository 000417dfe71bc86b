package org.sdmstream.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.retrieval.ItemCatalogue;

/**
 * The most-clicked items of the training clicks, the same list for everyone (minus exclusions).
 * Equal counts rank by first appearance in the log, so the ranking is deterministic.
 */
public final class PopularityRecommender implements Recommender {

    public static final String NAME = "popular";

    private final List<String> ranked;

    public PopularityRecommender(List<Click> trainingClicks) {
        ItemCatalogue catalogue = new ItemCatalogue();
        int[] counts = new int[16];
        for (Click c : trainingClicks) {
            int i = catalogue.add(c.behavior().itemId());
            if (i == counts.length) {
                counts = Arrays.copyOf(counts, 2 * counts.length);
            }
            counts[i]++;
        }
        final int[] count = counts;
        int[] order =
                IntStream.range(0, catalogue.size())
                        .boxed()
                        .sorted(
                                Comparator.<Integer>comparingInt(i -> -count[i])
                                        .thenComparingInt(i -> i))
                        .mapToInt(Integer::intValue)
                        .toArray();
        ranked = catalogue.idsOf(order);
    }

    /** The factory for the harness. */
    public static RecommenderFactory factory() {
        return new RecommenderFactory() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Recommender build(TrainingSplit training, long seed) {
                return new PopularityRecommender(training.clicks());
            }
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> recommend(ModelInput input, int k, Set<String> excluded) {
        return top(k, excluded, List.of());
    }

    /**
     * The {@code k} most popular items outside {@code excluded}, after {@code prefix} (which it
     * extends).
     */
    List<String> top(int k, Set<String> excluded, List<String> prefix) {
        List<String> out = new ArrayList<>(prefix);
        Set<String> taken = prefix.isEmpty() ? Set.of() : Set.copyOf(prefix);
        for (int i = 0; i < ranked.size() && out.size() < k; i++) {
            String item = ranked.get(i);
            if (!excluded.contains(item) && !taken.contains(item)) {
                out.add(item);
            }
        }
        return out;
    }

    /** All training items, most popular first. */
    public List<String> ranking() {
        return List.copyOf(ranked);
    }
}
