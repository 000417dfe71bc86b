package org.sdmstream.model.scoring;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * users. Only for models that export the prefix state. Exports that have the narrower towers
 * ({@link ModelSignature#PREFIX_WIDTHS}) score a run whose sessions are short by the narrowest that
 * holds them.
 */
final class PrefixRunner {

    /** The session inputs a narrower tower has its own placeholders for. */
    private static final List<String> SESSION_IDS =
            List.of(
                    ModelSignature.SESSION_ITEM,
                    ModelSignature.SESSION_CATEGORY,
                    ModelSignature.SESSION_BRAND,
                    ModelSignature.SESSION_SHOP);

    private final Session session;
    private final int sessionValues;

    /** The fetches of each tower by its width, narrowest first; T, the full tower's, last. */
    private final Map<Integer, List<String>> fetches = new LinkedHashMap<>();

    private PrefixRunner(SdmScorer model, List<String> sessionValueNames) {
        this.session = model.session();
        this.sessionValues = sessionValueNames.size();
        int t = model.dimensions().maxSession();
        for (int width : ModelSignature.PREFIX_WIDTHS) {
            if (width < t) {
                List<String> names = towerFetches(scoped(width), sessionValueNames);
                List<String> inputs = new ArrayList<>(names);
                SESSION_IDS.forEach(id -> inputs.add(scoped(width) + id));
                if (inputs.stream().allMatch(model::hasOperation)) {
                    fetches.put(width, names);
                }
            }
        }
        fetches.put(t, towerFetches("", sessionValueNames));
    }

    private static String scoped(int width) {
        return ModelSignature.prefixTowerScope(width) + "/";
    }

    private static List<String> towerFetches(String scope, List<String> sessionValueNames) {
        List<String> names = new ArrayList<>();
        names.add(scope + SdmGraph.SESSION_VECTORS);
        ModelSignature.PREFIX_STATE.forEach(
                name -> names.add(scope + ModelSignature.prefixOp(name)));
        sessionValueNames.forEach(name -> names.add(scope + ModelSignature.prefixOp(name)));
        return List.copyOf(names);
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
        int t = model.dimensions().maxSession();
        for (String op : runner.fetches.get(t)) {
            if (!model.hasOperation(op)) {
                return null;
            }
        }
        return runner;
    }

    /** The widths of the towers this model has, narrowest first, T last. */
    List<Integer> widths() {
        return List.copyOf(fetches.keySet());
    }

    /**
     * Which tower runs which rows: {@code rows[i]} rows need at least {@code widths.get(i)}
     * positions (widths ascending); returns, for each i, the width of the run that scores them, so
     * that the estimated cost of all runs is least. A run costs a fixed part plus a part per row,
     * both growing about linearly with its width ({@link #runCost}): a few short rows ride in a
     * wider run, many get their own.
     */
    static int[] runWidths(List<Integer> widths, int[] rows) {
        int top = -1;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] > 0) {
                top = i;
            }
        }
        int[] best = new int[rows.length];
        if (top < 0) {
            return best;
        }
        double bestCost = Double.MAX_VALUE;
        // Every subset of the narrower widths runs on its own, the widest needed always does.
        for (int mask = 0; mask < 1 << top; mask++) {
            int[] assigned = new int[rows.length];
            double cost = 0;
            int pending = 0;
            for (int i = 0; i <= top; i++) {
                pending += rows[i];
                if (i == top || (mask & 1 << i) != 0) {
                    if (pending > 0) {
                        cost += runCost(widths.get(i), pending);
                    }
                    for (int j = i; j >= 0 && assigned[j] == 0; j--) {
                        assigned[j] = widths.get(i);
                    }
                    pending = 0;
                }
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = assigned;
            }
        }
        return best;
    }

    /**
     * Estimated µs of one run of the tower over {@code width} positions with {@code rows} rows: a
     * line through the full tower's CPU per call at 8 and 50 positions (JMH, batches 8 and 64,
     * means of three iterations: fixed 373 and 1,114 µs, 32.8 and 193.9 µs per row;
     * docs/benchmarks.md, session 13).
     */
    static double runCost(int width, int rows) {
        return 232 + 17.6 * width + rows * (2.1 + 3.84 * width);
    }

    /**
     * The index in {@link #widths} of the narrowest tower that holds a session of {@code clicks}
     * (at most T) clicks.
     */
    int widthIndexFor(int clicks) {
        int index = 0;
        for (int width : fetches.keySet()) {
            if (clicks <= width) {
                return index;
            }
            index++;
        }
        throw new IllegalArgumentException("a session of " + clicks + " clicks is longer than T");
    }

    /**
     * The tower of width {@code width} over {@code encoded} (sessions of at most that many clicks,
     * encoded T wide); the result's views are valid until it is closed.
     */
    Outputs run(EncodedBatch encoded, int width) {
        List<String> names = fetches.get(width);
        if (names == null) {
            throw new IllegalArgumentException("no tower of width " + width + ": " + widths());
        }
        for (int r = 0; r < encoded.batchSize(); r++) {
            // A narrower tower would silently score only the first clicks of a longer session.
            if (encoded.sessionLength()[r] > width) {
                throw new IllegalArgumentException(
                        "row "
                                + r
                                + " has "
                                + encoded.sessionLength()[r]
                                + " clicks, the tower "
                                + width);
            }
        }
        // A narrower tower has its own session placeholders and shares the others.
        String scope = width < encoded.maxSession() ? scoped(width) : "";
        try (InputTensors in = new InputTensors(encoded, width)) {
            Session.Runner runner = session.runner();
            in.asMap()
                    .forEach(
                            (name, tensor) ->
                                    runner.feed(
                                            SESSION_IDS.contains(name) ? scope + name : name,
                                            tensor));
            names.forEach(runner::fetch);
            return new Outputs(runner.run(), sessionValues, width);
        }
    }

    /**
     * The tower's vectors at every position [B, W, D] and the state after each row's last click
     * (attention rows [B, H, W, K]), W the tower's {@link #width}, as views of the result's memory.
     */
    static final class Outputs implements AutoCloseable {
        private final Result result;
        final int width;
        final FloatBuffer vectors;
        final FloatBuffer h;
        final FloatBuffer c;
        final FloatBuffer keys;
        final FloatBuffer values;
        final FloatBuffer poolMax;
        final FloatBuffer poolSum;
        final FloatBuffer poolAcc;
        final FloatBuffer[] sessionValues;

        private Outputs(Result result, int sessionValueCount, int width) {
            this.result = result;
            this.width = width;
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
