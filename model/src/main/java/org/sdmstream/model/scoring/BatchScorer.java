package org.sdmstream.model.scoring;

/** Scores a batch of model inputs (one per click) into user interest vectors, in input order. */
public interface BatchScorer extends AutoCloseable {
    float[][] score(java.util.List<org.sdmstream.features.ModelInput> inputs);
    String modelVersion();
    int dimension();
    @Override void close();
}
