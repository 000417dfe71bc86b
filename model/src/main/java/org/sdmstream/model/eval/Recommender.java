package org.sdmstream.model.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sdmstream.features.ModelInput;

/**
 * Anything the evaluation harness can ask for the top K items of a user, given the user's model
 * input: the popularity and item-to-item baselines, and every embedding model through {@link
 * EmbeddingRecommender}.
 */
public interface Recommender extends AutoCloseable {

    /** Short name for reports. */
    String name();

    /** The best {@code k} items for this input, best first, none of them in {@code excluded}. */
    List<String> recommend(ModelInput input, int k, Set<String> excluded);

    default List<String> recommend(ModelInput input, int k) {
        return recommend(input, k, Set.of());
    }

    /**
     * Batch form; implementations that can share work across users (a matrix multiply) override it.
     */
    default List<List<String>> recommendAll(
            List<ModelInput> inputs, List<Set<String>> excluded, int k) {
        List<List<String>> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            out.add(recommend(inputs.get(i), k, excluded.get(i)));
        }
        return out;
    }

    @Override
    default void close() {}
}
