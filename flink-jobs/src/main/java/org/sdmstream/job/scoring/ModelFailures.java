package org.sdmstream.job.scoring;

import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * Failures of the model itself, which fail the job without a restart: a restart would load the same
 * model and fail the same way, forever (the keyed job is one failover region, so every restart is
 * the whole job). The fix is the model directory; then resubmit from the latest retained checkpoint
 * or savepoint.
 */
final class ModelFailures {

    private ModelFailures() {}

    /** The model could not be loaded or warmed up on a TaskManager (start, restart, restore). */
    static SuppressRestartsException notLoadable(ScoringSettings settings, RuntimeException cause) {
        return new SuppressRestartsException(
                new IllegalStateException(
                        "the model in "
                                + settings.modelDir()
                                + " ("
                                + ScoringOptions.MODEL_DIR.key()
                                + ") could not be loaded: "
                                + cause.getMessage()
                                + "; the job fails without restarting (a restart would load the same model)",
                        cause));
    }

    /** The model refused inputs in a row as only a broken model does ({@link RefusalRun}). */
    static SuppressRestartsException broken(
            ScoringSettings settings, String version, RuntimeException lastRefusal) {
        return new SuppressRestartsException(
                new IllegalStateException(
                        "the model in "
                                + settings.modelDir()
                                + " (version "
                                + version
                                + ") refused "
                                + RefusalRun.BROKEN_MODEL_INPUTS
                                + " inputs in a row, of "
                                + RefusalRun.BROKEN_MODEL_USERS
                                + " or more users, with none scored in between: the model is broken,"
                                + " not the inputs; the job fails without restarting. Last error: "
                                + lastRefusal,
                        lastRefusal));
    }
}
