package org.sdmstream.model.scoring;

import java.util.List;
import java.util.Map;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;

/**
 * What the streaming job calls to turn per-click model inputs into user interest vectors, one batch
 * at a time. Each input is complete (the session so far and the history it started with), so an
 * implementation may recompute the whole tower ({@link SdmBatchScorer}) or keep per-user state of
 * its own and only step it forward (an incremental scorer), falling back to the full input whenever
 * its carried state is missing or stale; the caller never sees the difference.
 *
 * <p>Implementations are shared by all scoring subtasks of a TaskManager, so {@link #score} must be
 * thread-safe. A user's inputs come from one caller thread, in event-time order, but not always one
 * click after the other: a per-user minimum interval skips clicks, and after a failure the job
 * replays clicks from its last checkpoint, so inputs the scorer has already seen come again. An
 * implementation that carries state must check that an input continues what it carries (same
 * session id, position one further) and otherwise start from the full input.
 */
public interface BatchScorer extends AutoCloseable {

    /** One vector per input, in input order, each of length {@link #dimension()}. */
    float[][] score(List<ModelInput> inputs);

    /**
     * Runs the model once on a made-up input, so the first real batch does not pay for TF's
     * one-time graph optimisation and kernel set-up (seconds), which would stall the stream right
     * after a (re)start.
     */
    default void warmUp() {
        score(List.of(warmUpInput()));
    }

    /** User, session and item id of the warm-up input (no real id is empty). */
    String WARM_UP = "";

    /** The made-up input {@link #warmUp} scores: one click, one behaviour of history. */
    static ModelInput warmUpInput() {
        Behavior click = new Behavior(WARM_UP, null, null, null, 0);
        return new ModelInput(WARM_UP, WARM_UP, List.of(click), List.of(click), Map.of(), 0);
    }

    /** The version of the loaded model, as written into every emitted vector. */
    String modelVersion();

    /** Length of every vector. */
    int dimension();

    /** Frees the native model. */
    @Override
    void close();
}
