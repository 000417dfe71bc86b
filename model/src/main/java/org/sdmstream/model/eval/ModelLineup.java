package org.sdmstream.model.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.training.ProgressListener;

/**
 * The models {@code sdm evaluate --models} can name, each built from the command's settings, in the
 * order reports list them.
 */
public final class ModelLineup {

    /**
     * What the command passes on to the models.
     *
     * @param neural the neural models' base configuration (epochs included); each model sets its
     *     own tower
     * @param itemCf the item-to-item baseline's settings
     * @param progress where the neural models report training progress
     */
    public record Settings(
            SdmConfig neural,
            ItemCoOccurrenceRecommender.Config itemCf,
            ProgressListener progress) {}

    private final Map<String, Function<Settings, RecommenderFactory>> models =
            new LinkedHashMap<>();

    /** The baselines and every model this build can train, baselines first. */
    public static ModelLineup standard() {
        return new ModelLineup()
                .with(PopularityRecommender.NAME, s -> PopularityRecommender.factory())
                .with(
                        ItemCoOccurrenceRecommender.NAME,
                        s -> ItemCoOccurrenceRecommender.factory(s.itemCf()))
                .withEmbeddingModel(
                        NeuralModelFactory.YOUTUBE_DNN,
                        s -> NeuralModelFactory.youTubeDnn(s.neural(), s.progress()))
                .withEmbeddingModel(
                        NeuralModelFactory.SDM_SHORT,
                        s -> NeuralModelFactory.sdmShortTerm(s.neural(), s.progress()))
                .withEmbeddingModel(
                        NeuralModelFactory.SDM,
                        s -> NeuralModelFactory.sdm(s.neural(), s.progress()));
    }

    /** Adds (or replaces) a model under {@code name}. */
    public ModelLineup with(String name, Function<Settings, RecommenderFactory> factory) {
        models.put(name, factory);
        return this;
    }

    /** Adds an embedding model under its own name, ranked by exact inner product. */
    public ModelLineup withEmbeddingModel(String name, Function<Settings, ModelFactory> factory) {
        return with(name, s -> RecommenderFactory.of(factory.apply(s)));
    }

    public Set<String> names() {
        return models.keySet();
    }

    /**
     * The factories for {@code names}, in the order given.
     *
     * @throws IllegalArgumentException naming the unknown ones and the known ones
     */
    public List<RecommenderFactory> select(List<String> names, Settings settings) {
        List<String> unknown = names.stream().filter(n -> !models.containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown model(s) " + unknown + "; known: " + String.join(",", names()));
        }
        List<RecommenderFactory> out = new ArrayList<>();
        for (String name : names) {
            out.add(models.get(name).apply(settings));
        }
        return out;
    }
}
