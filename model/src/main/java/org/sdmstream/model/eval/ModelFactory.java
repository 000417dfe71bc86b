package org.sdmstream.model.eval;

import org.sdmstream.model.UserVectorModel;

/**
 * Trains one kind of embedding model (SDM, SDM without the long-term branch, YouTube-DNN...) on the
 * training part of a split, so the harness can compare them on equal terms.
 */
public interface ModelFactory {

    /** The name the model has in reports and in {@code --models}. */
    String name();

    /** A trained model; the caller closes it. Same data and seed must give the same model. */
    UserVectorModel train(TrainingSplit training, long seed);
}
