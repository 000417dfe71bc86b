package org.sdmstream.model.training;

/**
 * What one epoch achieved: mean training loss, validation loss (NaN without a validation split),
 * labelled examples seen and the wall time.
 */
public record EpochResult(
        int epoch,
        double trainLoss,
        double validationLoss,
        long examples,
        double seconds,
        boolean improved) {}
