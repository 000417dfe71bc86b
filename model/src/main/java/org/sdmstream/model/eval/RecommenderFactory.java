package org.sdmstream.model.eval;

/**
 * Builds one recommender from the training part of a split; the harness times it and evaluates the
 * result on the test cases. Baselines implement it directly; embedding models come through {@link
 * #of(ModelFactory)}.
 */
public interface RecommenderFactory {

    /** The name the model has in reports, e.g. "popular" or "sdm". */
    String name();

    Recommender build(TrainingSplit training, long seed);

    /** Trains an embedding model and ranks items by exact inner product with its user vectors. */
    static RecommenderFactory of(ModelFactory models) {
        return new RecommenderFactory() {
            @Override
            public String name() {
                return models.name();
            }

            @Override
            public Recommender build(TrainingSplit training, long seed) {
                return new EmbeddingRecommender(models.name(), models.train(training, seed));
            }
        };
    }
}
