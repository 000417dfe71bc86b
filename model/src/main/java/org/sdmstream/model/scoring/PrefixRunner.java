package org.sdmstream.model.scoring;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.sdmstream.features.encoding.EncodedBatch;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.graph.InputTensors;
import org.sdmstream.model.graph.SdmGraph;
import org.tensorflow.Result;
import org.tensorflow.Session;

/**
 * Runs the full tower over whole sessions and fetches, with the vector at every position, the state
 * the step carries after each session's last click ({@link ModelSignature#PREFIX_STATE}): one run
 * scores a burst of one user's clicks (a replayed log, a backlog, a cold start mid-session), where
 * stepping would take one round per click, each paying the step's fixed cost for a handful of
 * users. Only for models that export the prefix state.
 */
final class PrefixRunner {

    private final Session session;
    private final SdmScorer model;
    private final List<String> fetches = new ArrayList<>();
    private final int sessionValues;

    private PrefixRunner(SdmScorer model, List<String> sessionValueNames) {
        this.session = model.session();
        this.model = model;
        this.sessionValues = sessionValueNames.size();
        fetches.add(SdmGraph.SESSION_VECTORS);
        ModelSignature.PREFIX_STATE.forEach(name -> fetches.add(ModelSignature.prefixOp(name)));
        sessionValueNames.forEach(name -> fetches.add(ModelSignature.prefixOp(name)));
    }

    /**
     * The runner for this model, or null when its graph lacks any prefix-state op the step's
     * carried state needs (exports from before them, or no session values to carry).
     */
    static PrefixRunner of(SdmScorer model, List<String> sessionValueNames) {
        if (sessionValueNames.isEmpty() || !model.hasOperation(SdmGraph.SESSION_VECTORS)) {
            return null;
        }
        PrefixRunner runner = new PrefixRunner(model, sessionValueNames);
        for (String op : runner.fetches) {
            if (!model.hasOperation(op)) {
                return null;
            }
        }
        return runner;
    }

    /**
     * The tower over {@code encoded} (sessions of at most T clicks); the result's views are valid
     * until it is closed.
     */
    Outputs run(EncodedBatch encoded) {
        try (InputTensors in = new InputTensors(encoded)) {
            Session.Runner runner = in.feed(session.runner());
            fetches.forEach(name -> runner.fetch(name));
            return new Outputs(runner.run(), sessionValues);
        }
    }

    /**
     * The tower's vectors at every position [B, T, D] and the state after each row's last click, as
     * views of the result's memory.
     */
    static final class Outputs implements AutoCloseable {
        private final Result result;
        final FloatBuffer vectors;
        final FloatBuffer h;
        final FloatBuffer c;
        final FloatBuffer keys;
        final FloatBuffer values;
        final FloatBuffer poolMax;
        final FloatBuffer poolSum;
        final FloatBuffer poolAcc;
        final FloatBuffer[] sessionValues;

        private Outputs(Result result, int sessionValueCount) {
            this.result = result;
            vectors = StepOutputs.floats(result, 0);
            h = StepOutputs.floats(result, 1);
            c = StepOutputs.floats(result, 2);
            keys = StepOutputs.floats(result, 3);
            values = StepOutputs.floats(result, 4);
            poolMax = StepOutputs.floats(result, 5);
            poolSum = StepOutputs.floats(result, 6);
            poolAcc = StepOutputs.floats(result, 7);
            sessionValues = new FloatBuffer[sessionValueCount];
            for (int v = 0; v < sessionValueCount; v++) {
                sessionValues[v] = StepOutputs.floats(result, 8 + v);
            }
        }

        @Override
        public void close() {
            result.close();
        }
    }
}
