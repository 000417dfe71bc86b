package org.sdmstream.model.scoring;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.graph.InputTensors;
import org.tensorflow.Result;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

/**
 * Scores each click from state carried since the user's previous click, with the model's {@link
 * ModelSignature#STEP_KEY} signature: one step of the causal tower per click instead of the whole
 * session. The carried state lives in a bounded in-memory LRU cache per user and is only a cache:
 * when it is missing or does not belong to the input's session prefix (first click, eviction,
 * restart, rescale, another model), the state is rebuilt by stepping through the session prefix the
 * {@link ModelInput} carries, so the result is always the full tower's vector for that input.
 *
 * <p>Steps of different users in one {@link #score} call share each {@code Session.run}; several
 * clicks of one user in a call are stepped in order, one per round. Sessions longer than the
 * model's T (the tower then sees only the most recent T clicks) and models without a step signature
 * use the full tower. Calls may run concurrently (e.g. the subtasks of a TaskManager sharing the
 * model, each on its own thread with inter-op -1): a state taken from the shared cache belongs to
 * one call until it is put back, so two calls for one user at once only cost a rebuild. Close it to
 * free the native session.
 */
public final class IncrementalSdmScorer implements BatchScorer {

    /** Counters since load, for metrics and tests. */
    public record Stats(
            long inputs,
            long steps,
            long cacheHits,
            long rebuilds,
            long fullTower,
            long evictions,
            int cachedUsers,
            long cachedBytes) {}

    private final SdmScorer model;
    private final SessionFunction step;
    private final ModelSignature.StepDimensions dims;
    private final StepStateCache cache;
    private final int maxBatch;
    // Calls run concurrently (one per subtask sharing the model): counters are adders, the cache
    // locks itself.
    private final LongAdder inputs = new LongAdder();
    private final LongAdder steps = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder rebuilds = new LongAdder();
    private final LongAdder fullTower = new LongAdder();

    private IncrementalSdmScorer(SdmScorer model, IncrementalScorerOptions options) {
        this.model = model;
        this.maxBatch = options.scorer().maxBatch();
        this.cache = new StepStateCache(options.cacheBytes());
        var signature = model.signature(ModelSignature.STEP_KEY);
        if (signature.isPresent()) {
            this.dims = ModelSignature.checkStep(signature.get(), model.dimensions());
            this.step = model.function(ModelSignature.STEP_KEY);
        } else {
            this.dims = null;
            this.step = null;
        }
    }

    public static IncrementalSdmScorer load(Path modelDir) {
        return load(modelDir, IncrementalScorerOptions.DEFAULT);
    }

    /**
     * @throws IllegalArgumentException as {@link SdmScorer#load(Path, ScorerOptions)}, or when the
     *     model has a step signature that does not match {@link ModelSignature#STEP_INPUTS}/{@link
     *     ModelSignature#STEP_OUTPUTS}
     */
    public static IncrementalSdmScorer load(Path modelDir, IncrementalScorerOptions options) {
        SdmScorer model = SdmScorer.load(modelDir, options.scorer());
        try {
            return new IncrementalSdmScorer(model, options);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Whether the model has a step signature (else every input goes through the full tower). */
    public boolean incremental() {
        return step != null;
    }

    @Override
    public float[][] score(List<ModelInput> batch) {
        float[][] out = new float[batch.size()][];
        if (batch.isEmpty()) {
            return out;
        }
        inputs.add(batch.size());
        List<Integer> viaTower = new ArrayList<>();
        Map<String, Lane> lanes = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            ModelInput in = batch.get(i);
            if (in.session().isEmpty()) {
                throw new IllegalArgumentException(
                        "model input "
                                + i
                                + " (user "
                                + in.userId()
                                + ") has an empty session: every input must end with the click that triggered it");
            }
            if (step == null || in.session().size() > dims.dimensions().maxSession()) {
                viaTower.add(i);
            } else {
                lanes.computeIfAbsent(in.userId(), Lane::new).pending.add(i);
            }
        }
        scoreWithTower(batch, viaTower, out);
        if (lanes.isEmpty()) {
            return out;
        }
        // States taken from the cache are owned by this call; if it fails they are simply lost
        // (rebuilt later).
        for (Lane lane : lanes.values()) {
            lane.state = cache.take(lane.userId);
            lane.next(batch, out);
        }
        List<Lane> round = new ArrayList<>();
        while (true) {
            round.clear();
            for (Lane lane : lanes.values()) {
                if (lane.current >= 0) {
                    round.add(lane);
                }
            }
            if (round.isEmpty()) {
                break;
            }
            for (int from = 0; from < round.size(); from += maxBatch) {
                runStep(round.subList(from, Math.min(round.size(), from + maxBatch)), batch);
            }
            for (Lane lane : round) {
                if (lane.state.position == batch.get(lane.current).session().size()) {
                    out[lane.current] = lane.state.vector.clone();
                    lane.next(batch, out);
                }
            }
        }
        for (Lane lane : lanes.values()) {
            if (lane.state != null && lane.state.position > 0) {
                cache.put(lane.userId, lane.state);
            }
        }
        return out;
    }

    private void scoreWithTower(List<ModelInput> batch, List<Integer> indices, float[][] out) {
        if (indices.isEmpty()) {
            return;
        }
        fullTower.add(indices.size());
        float[][] vectors = model.userVectors(indices.stream().map(batch::get).toList());
        for (int k = 0; k < indices.size(); k++) {
            out[indices.get(k)] = vectors[k];
        }
    }

    /** The clicks of one user in a call, in order, and the state being stepped. */
    private final class Lane {
        final String userId;
        final ArrayDeque<Integer> pending = new ArrayDeque<>();
        StepState state;
        int current = -1;

        /**
         * The current input's encoded profile (the only per-click input besides the click itself).
         */
        int[] profile;

        Lane(String userId) {
            this.userId = userId;
        }

        /**
         * Moves to the next pending input whose vector is not yet known, resolving where its steps
         * start.
         */
        void next(List<ModelInput> batch, float[][] out) {
            current = -1;
            while (!pending.isEmpty()) {
                int i = pending.poll();
                ModelInput in = batch.get(i);
                int n = in.session().size();
                int[] encodedProfile = model.encoder().encodeProfile(in.profile());
                if (state != null && state.continues(in, encodedProfile)) {
                    cacheHits.increment();
                } else {
                    if (n > 1) {
                        rebuilds.increment();
                    }
                    state =
                            new StepState(
                                    in,
                                    encodedProfile,
                                    model.encoder(),
                                    dims.dimensions().vectorSize());
                }
                if (state.position == n) {
                    out[i] = state.vector.clone(); // the same input again: nothing to step
                    continue;
                }
                profile = encodedProfile;
                current = i;
                return;
            }
        }
    }

    /** Runs one step for each lane (one user each) and advances their states. */
    private void runStep(List<Lane> lanes, List<ModelInput> batch) {
        int b = lanes.size();
        int d = dims.dimensions().vectorSize();
        int t = dims.dimensions().maxSession();
        int l = dims.dimensions().maxHistory();
        int p = dims.dimensions().profileSlots();
        int heads = dims.heads();
        int k = dims.headSize();
        int[] user = new int[b];
        int[] profile = new int[b * p];
        int[] hItem = new int[b * l];
        int[] hCategory = new int[b * l];
        int[] hBrand = new int[b * l];
        int[] hShop = new int[b * l];
        int[] hLength = new int[b];
        int[] cItem = new int[b];
        int[] cCategory = new int[b];
        int[] cBrand = new int[b];
        int[] cShop = new int[b];
        int[] position = new int[b];
        float[] h = new float[b * d];
        float[] c = new float[b * d];
        float[] keys = new float[b * heads * t * k];
        float[] values = new float[b * heads * t * k];
        float[] poolMax = new float[b];
        float[] poolSum = new float[b];
        float[] poolAcc = new float[b * d];
        for (int r = 0; r < b; r++) {
            Lane lane = lanes.get(r);
            int i = lane.current;
            StepState s = lane.state;
            int pos = s.position;
            user[r] = s.user;
            System.arraycopy(lane.profile, 0, profile, r * p, p);
            System.arraycopy(s.historyItem, 0, hItem, r * l, l);
            System.arraycopy(s.historyCategory, 0, hCategory, r * l, l);
            System.arraycopy(s.historyBrand, 0, hBrand, r * l, l);
            System.arraycopy(s.historyShop, 0, hShop, r * l, l);
            hLength[r] = s.historyLength;
            model.encoder()
                    .encodeBehavior(
                            batch.get(i).session().get(pos), r, cItem, cCategory, cBrand, cShop);
            position[r] = pos;
            System.arraycopy(s.h, 0, h, r * d, d);
            System.arraycopy(s.c, 0, c, r * d, d);
            System.arraycopy(s.poolAcc, 0, poolAcc, r * d, d);
            poolMax[r] = s.poolMax;
            poolSum[r] = s.poolSum;
            s.copyRows(s.keys, keys, r * heads * t * k, heads, t);
            s.copyRows(s.values, values, r * heads * t * k, heads, t);
        }
        Map<String, Tensor> feed = new LinkedHashMap<>();
        try {
            feed.put(ModelSignature.USER, InputTensors.ints(user, b));
            feed.put(ModelSignature.PROFILE, InputTensors.ints(profile, b, p));
            feed.put(ModelSignature.HISTORY_ITEM, InputTensors.ints(hItem, b, l));
            feed.put(ModelSignature.HISTORY_CATEGORY, InputTensors.ints(hCategory, b, l));
            feed.put(ModelSignature.HISTORY_BRAND, InputTensors.ints(hBrand, b, l));
            feed.put(ModelSignature.HISTORY_SHOP, InputTensors.ints(hShop, b, l));
            feed.put(ModelSignature.HISTORY_LENGTH, InputTensors.ints(hLength, b));
            feed.put(ModelSignature.CLICK_ITEM, InputTensors.ints(cItem, b));
            feed.put(ModelSignature.CLICK_CATEGORY, InputTensors.ints(cCategory, b));
            feed.put(ModelSignature.CLICK_BRAND, InputTensors.ints(cBrand, b));
            feed.put(ModelSignature.CLICK_SHOP, InputTensors.ints(cShop, b));
            feed.put(ModelSignature.POSITION, InputTensors.ints(position, b));
            feed.put(ModelSignature.LSTM_H, InputTensors.floats(h, b, d));
            feed.put(ModelSignature.LSTM_C, InputTensors.floats(c, b, d));
            feed.put(ModelSignature.ATTENTION_KEYS, InputTensors.floats(keys, b, heads, t, k));
            feed.put(ModelSignature.ATTENTION_VALUES, InputTensors.floats(values, b, heads, t, k));
            feed.put(ModelSignature.POOL_MAX, InputTensors.floats(poolMax, b));
            feed.put(ModelSignature.POOL_SUM, InputTensors.floats(poolSum, b));
            feed.put(ModelSignature.POOL_ACC, InputTensors.floats(poolAcc, b, d));
            try (Result result = step.call(feed)) {
                float[] vector = output(result, ModelSignature.USER_VECTOR);
                float[] nextH = output(result, ModelSignature.NEXT_LSTM_H);
                float[] nextC = output(result, ModelSignature.NEXT_LSTM_C);
                float[] keyRow = output(result, ModelSignature.KEY_ROW);
                float[] valueRow = output(result, ModelSignature.VALUE_ROW);
                float[] nextMax = output(result, ModelSignature.NEXT_POOL_MAX);
                float[] nextSum = output(result, ModelSignature.NEXT_POOL_SUM);
                float[] nextAcc = output(result, ModelSignature.NEXT_POOL_ACC);
                for (int r = 0; r < b; r++) {
                    Lane lane = lanes.get(r);
                    StepState s = lane.state;
                    s.h = Arrays.copyOfRange(nextH, r * d, (r + 1) * d);
                    s.c = Arrays.copyOfRange(nextC, r * d, (r + 1) * d);
                    s.poolAcc = Arrays.copyOfRange(nextAcc, r * d, (r + 1) * d);
                    s.poolMax = nextMax[r];
                    s.poolSum = nextSum[r];
                    s.vector = Arrays.copyOfRange(vector, r * d, (r + 1) * d);
                    s.appendRows(keyRow, valueRow, r * d, heads, t);
                    s.stepped(batch.get(lane.current).session().get(s.position));
                }
            }
            steps.add(b);
        } finally {
            feed.values().forEach(Tensor::close);
        }
    }

    private static float[] output(Result result, String name) {
        Tensor tensor =
                result.get(name)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "step signature returned no " + name));
        return InputTensors.toArray((TFloat32) tensor);
    }

    /**
     * Warms up the step and, for sessions longer than the model's, the full tower; keeps no state
     * of it.
     */
    @Override
    public void warmUp() {
        BatchScorer.super.warmUp();
        cache.take(WARM_UP);
        model.userVectors(List.of(BatchScorer.warmUpInput()));
    }

    /** Counters since load (the warm-up included), and the cache's current size. */
    public Stats stats() {
        return new Stats(
                inputs.sum(),
                steps.sum(),
                cacheHits.sum(),
                rebuilds.sum(),
                fullTower.sum(),
                cache.evictions(),
                cache.users(),
                cache.bytes());
    }

    /**
     * Drops every carried state (e.g. to measure cold starts); scoring stays correct, only slower.
     */
    public void clearCache() {
        cache.clear();
    }

    @Override
    public String modelVersion() {
        return model.metadata() != null && model.metadata().modelVersion() != null
                ? model.metadata().modelVersion()
                : "unknown";
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    /** Step signature sizes, or null when the model has none. */
    public ModelSignature.StepDimensions stepDimensions() {
        return dims;
    }

    @Override
    public synchronized void close() {
        cache.clear();
        model.close();
    }
}
