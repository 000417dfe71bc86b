package org.sdmstream.model.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.UserVectorModel;
import org.sdmstream.model.retrieval.IndexKind;
import org.sdmstream.model.retrieval.ItemIndex;

/**
 * Ranks a {@link UserVectorModel}'s items by exact inner product with its user vectors, through the
 * same {@link ItemIndex} as {@code sdm recommend} and the stream. Owns the model: closing the
 * recommender closes it.
 */
public final class EmbeddingRecommender implements Recommender {

    /**
     * Inputs per {@link UserVectorModel#userVectors} call: bounds tensor memory, amortises the
     * call.
     */
    static final int BATCH = 256;

    private final String name;
    private final UserVectorModel model;
    private final ItemIndex index;

    public EmbeddingRecommender(String name, UserVectorModel model) {
        this.name = name;
        this.model = model;
        // Exact: evaluation is the reference the approximate index is measured against.
        this.index = ItemIndex.of(model, IndexKind.EXACT);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> recommend(ModelInput input, int k, Set<String> excluded) {
        return recommendAll(List.of(input), List.of(excluded), k).get(0);
    }

    @Override
    public List<List<String>> recommendAll(
            List<ModelInput> inputs, List<Set<String>> excluded, int k) {
        List<List<String>> out = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += BATCH) {
            int to = Math.min(inputs.size(), from + BATCH);
            float[][] users = model.userVectors(inputs.subList(from, to));
            if (users.length != to - from) {
                throw new IllegalStateException(
                        "model "
                                + model.name()
                                + " returned "
                                + users.length
                                + " user vectors for "
                                + (to - from)
                                + " inputs");
            }
            for (ItemIndex.TopItems top : index.topK(users, k, excluded.subList(from, to))) {
                out.add(top.itemIds());
            }
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
