package org.sdmstream.job.scoring;

import java.util.List;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.scoring.BatchScorer;

/**
 * Scores a batch with a {@link BatchScorer} and, when the model throws, splits the batch in halves
 * until each input it refuses is alone: the refused inputs come back with the model's error, all
 * the others with their vectors. One bad input costs about 2 log2(batch) extra calls, not the whole
 * batch.
 */
final class BisectingScorer {

    private BisectingScorer() {}

    /**
     * Per input, in input order: its vector, or (vector null) the error the model threw on it
     * alone.
     */
    record Outcome(float[][] vectors, RuntimeException[] refusals, int refused) {

        boolean isRefused(int input) {
            return vectors[input] == null;
        }

        int scored() {
            return vectors.length - refused;
        }

        /** The error of the first refused input (null when none was). */
        RuntimeException firstRefusal() {
            for (RuntimeException e : refusals) {
                if (e != null) {
                    return e;
                }
            }
            return null;
        }
    }

    static Outcome score(BatchScorer scorer, List<ModelInput> inputs) {
        float[][] vectors = new float[inputs.size()][];
        RuntimeException[] refusals = new RuntimeException[inputs.size()];
        int refused =
                inputs.isEmpty()
                        ? 0
                        : scoreRange(scorer, inputs, 0, inputs.size(), vectors, refusals);
        return new Outcome(vectors, refusals, refused);
    }

    /**
     * Scores inputs [from, to) into {@code vectors}; returns how many of them the model refused.
     */
    private static int scoreRange(
            BatchScorer scorer,
            List<ModelInput> inputs,
            int from,
            int to,
            float[][] vectors,
            RuntimeException[] refusals) {
        float[][] scored;
        try {
            scored = scorer.score(inputs.subList(from, to));
        } catch (RuntimeException e) {
            if (to - from == 1) {
                refusals[from] = e;
                return 1;
            }
            int middle = (from + to) >>> 1;
            return scoreRange(scorer, inputs, from, middle, vectors, refusals)
                    + scoreRange(scorer, inputs, middle, to, vectors, refusals);
        }
        if (scored.length != to - from) {
            // A scorer that miscounts is broken for every input, not refusing one: no split can
            // help.
            throw new IllegalStateException(
                    "the scorer returned "
                            + scored.length
                            + " vectors for "
                            + (to - from)
                            + " inputs");
        }
        System.arraycopy(scored, 0, vectors, from, scored.length);
        return 0;
    }
}
