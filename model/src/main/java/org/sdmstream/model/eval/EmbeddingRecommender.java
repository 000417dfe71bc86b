package org.sdmstream.model.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.sdmstream.features.ModelInput;
import org.sdmstream.model.UserVectorModel;

/**
 * Ranks a {@link UserVectorModel}'s items by exact inner product with its user vectors, as downstream
 * retrieval would. Owns the model: closing the recommender closes it.
 */
public final class EmbeddingRecommender implements Recommender {

    /** Inputs per {@link UserVectorModel#userVectors} call: bounds tensor memory, amortises the call. */
    static final int BATCH = 256;

    private final String name;
    private final UserVectorModel model;
    private final ItemCatalogue catalogue;
    private final InnerProductSearch search;

    public EmbeddingRecommender(String name, UserVectorModel model) {
        this.name = name;
        this.model = model;
        this.catalogue = new ItemCatalogue(model.itemIds());
        float[][] embeddings = model.itemEmbeddings();
        if (embeddings.length != catalogue.size()) {
            throw new IllegalArgumentException("model " + model.name() + " lists " + catalogue.size()
                    + " distinct item ids but has " + embeddings.length + " item embeddings");
        }
        this.search = new InnerProductSearch(embeddings);
        if (catalogue.size() > 0 && search.dimension() != model.dimension()) {
            throw new IllegalArgumentException("model " + model.name() + " has dimension " + model.dimension()
                    + " but item embeddings of dimension " + search.dimension());
        }
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
    public List<List<String>> recommendAll(List<ModelInput> inputs, List<Set<String>> excluded, int k) {
        List<List<String>> out = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += BATCH) {
            int to = Math.min(inputs.size(), from + BATCH);
            float[][] users = model.userVectors(inputs.subList(from, to));
            if (users.length != to - from) {
                throw new IllegalStateException("model " + model.name() + " returned " + users.length
                        + " user vectors for " + (to - from) + " inputs");
            }
            int[][] exclude = new int[to - from][];
            for (int i = from; i < to; i++) {
                exclude[i - from] = catalogue.indicesOf(excluded.get(i));
            }
            for (int[] top : search.topK(users, k, exclude)) {
                out.add(catalogue.idsOf(top));
            }
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
