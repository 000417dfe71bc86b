package org.sdmstream.model.training;

/** Receives training progress; {@link ProgressBar} draws it on stderr. */
public interface ProgressListener {

    /** After each training batch. {@code examplesPerSecond} counts labelled positions. */
    default void onBatch(
            int epoch,
            int batch,
            int batchesInEpoch,
            double loss,
            double examplesPerSecond,
            double etaSeconds) {}

    /** After each epoch's validation. */
    default void onEpoch(EpochResult result) {}

    /** A line worth telling the user (resume, early stop, restore of the best epoch). */
    default void onMessage(String message) {}

    ProgressListener NONE = new ProgressListener() {};
}
