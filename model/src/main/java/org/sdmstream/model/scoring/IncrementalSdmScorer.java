package org.sdmstream.model.scoring;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.encoding.EncodedBatch;
import org.sdmstream.features.encoding.ModelInputEncoder;
import org.sdmstream.model.ModelSignature;
import org.tensorflow.Result;
import org.tensorflow.Tensor;

/**
 * Scores each click from state carried since the user's previous click, with the model's {@link
 * ModelSignature#STEP_KEY} signature: one step of the causal tower per click instead of the whole
 * session. The carried state lives in a bounded in-memory LRU cache per user and is only a cache:
 * when it is missing or does not belong to the input's session prefix (first click, eviction,
 * restart, rescale, another model), the state is rebuilt by stepping through the session prefix the
 * {@link ModelInput} carries, so the result is always the full tower's vector for that input.
 *
 * <p>Steps of different users in one {@link #score} call share each {@code Session.run}; several
 * clicks of one user in a call are stepped in order, one per round, or scored by one prefix row of
 * the tower (a burst): by default when they need {@link #PREFIX_MIN_STEPS} steps or more, with
 * {@link IncrementalScorerOptions.Bursts#PLANNED} where {@link BurstPlan} finds that cheaper.
 * Sessions longer than the model's T (the tower then sees only the most recent T clicks) and models
 * without a step signature use the full tower. Calls may run concurrently (e.g. the subtasks of a
 * TaskManager sharing the model, each on its own thread with inter-op -1): a state taken from the
 * shared cache belongs to one call until it is put back, so two calls for one user at once only
 * cost a rebuild. Close it to free the native session.
 */
public final class IncrementalSdmScorer implements BatchScorer {

    /**
     * Counters since load, for metrics and tests: {@code rounds} step runs (each runs one step for
     * up to the batch cap of users), {@code sessionRuns} runs that computed session values, {@code
     * prefixRuns} tower runs that scored bursts and {@code prefixInputs} the inputs they scored
     * (each other input is one step, or the full tower for sessions longer than T); {@code
     * lookedUp} the behaviours (clicks and history) it encoded through the vocabularies, which
     * carried states spare: a click is looked up once per session, a history once per session (more
     * only after a cache miss or for the full tower).
     */
    public record Stats(
            long inputs,
            long steps,
            long rounds,
            long sessionRuns,
            long prefixRuns,
            long prefixInputs,
            long cacheHits,
            long rebuilds,
            long fullTower,
            long evictions,
            int cachedUsers,
            long cachedBytes,
            long lookedUp) {}

    private final SdmScorer model;
    private final StepRunner step;

    /** Scores bursts of one user's clicks in one run; null for a model without prefix state. */
    private final PrefixRunner prefix;

    /**
     * With {@link IncrementalScorerOptions.Bursts#PREFIX_ROWS}, a chain of a user's clicks in a
     * call (one session's, in order) that needs at least this many steps is scored by a prefix row.
     */
    static final int PREFIX_MIN_STEPS = 3;

    private final IncrementalScorerOptions.Bursts bursts;

    /** The session values the model names, carried per user; empty for a model without them. */
    private final List<String> sessionValues;

    private final ModelSignature.StepDimensions dims;
    private final StepStateCache cache;
    private final int maxBatch;

    /**
     * Step-input tensors reused from round to round; null for a model without step signature or
     * session values (each round then allocates its own).
     */
    private final StepInputsPool stepInputs;

    // Calls run concurrently (one per subtask sharing the model): counters are adders, the cache
    // locks itself.
    private final LongAdder inputs = new LongAdder();
    private final LongAdder steps = new LongAdder();
    private final LongAdder rounds = new LongAdder();
    private final LongAdder sessionRuns = new LongAdder();
    private final LongAdder prefixRuns = new LongAdder();
    private final LongAdder prefixInputs = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder rebuilds = new LongAdder();
    private final LongAdder fullTower = new LongAdder();
    private final LongAdder lookedUp = new LongAdder();
    private final Map<Integer, LongAdder> prefixRunsByWidth = new ConcurrentHashMap<>();

    private IncrementalSdmScorer(SdmScorer model, IncrementalScorerOptions options) {
        this.model = model;
        this.maxBatch = options.scorer().maxBatch();
        this.bursts = options.bursts();
        this.cache = new StepStateCache(options.cacheBytes());
        var signature = model.signature(ModelSignature.STEP_KEY);
        if (signature.isPresent()) {
            this.dims = ModelSignature.checkStep(signature.get(), model.dimensions());
            this.step = new StepRunner(model, signature.get());
            this.sessionValues = step.sessionValueNames();
            this.prefix =
                    options.bursts() == IncrementalScorerOptions.Bursts.STEPPED
                            ? null
                            : PrefixRunner.of(model, sessionValues);
            this.stepInputs =
                    sessionValues.isEmpty()
                            ? null
                            : new StepInputsPool(
                                    dims, sessionValues, maxBatch, StepInputsPool.MAX_IDLE_BYTES);
        } else {
            this.dims = null;
            this.step = null;
            this.sessionValues = List.of();
            this.prefix = null;
            this.stepInputs = null;
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
            ModelInputEncoder.requireClicks(in, i);
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
        }
        // A prefix row needs its session's inputs, not the state of the clicks before it: every
        // burst of the call, a replayed user's later sessions too, shares the same tower runs, and
        // stepping then goes on from the states the rows left.
        List<Burst> rows = prefix == null ? List.of() : planBursts(lanes.values(), batch);
        for (int from = 0; from < rows.size(); from += maxBatch) {
            runPrefix(rows.subList(from, Math.min(rows.size(), from + maxBatch)), batch, out);
        }
        for (Lane lane : lanes.values()) {
            lane.next(batch, out);
        }
        stepRounds(lanes.values(), batch, out);
        for (Lane lane : lanes.values()) {
            if (lane.state != null && lane.state.position > 0) {
                cache.put(lane.userId, lane.state);
            }
        }
        return out;
    }

    /** Steps every lane that has a current input, round after round, until none has. */
    private void stepRounds(Collection<Lane> lanes, List<ModelInput> batch, float[][] out) {
        List<Lane> round = new ArrayList<>();
        while (true) {
            round.clear();
            for (Lane lane : lanes) {
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
    }

    /**
     * The chains (one session's clicks of a user, in order) scored by prefix rows: by default every
     * chain of every lane that needs {@link #PREFIX_MIN_STEPS} steps or more; with {@link
     * IncrementalScorerOptions.Bursts#PLANNED} the lanes' first chains that {@link BurstPlan}
     * picks, the ones that need the most steps (it plans the rounds of one chain per lane).
     */
    private List<Burst> planBursts(Collection<Lane> all, List<ModelInput> batch) {
        boolean planned = bursts == IncrementalScorerOptions.Bursts.PLANNED;
        List<Burst> candidates = new ArrayList<>();
        for (Lane lane : all) {
            for (Burst chain : lane.chains(batch, !planned)) {
                if (planned || chain.steps >= PREFIX_MIN_STEPS) {
                    candidates.add(chain);
                }
            }
        }
        int chosen = candidates.size();
        if (planned) {
            candidates.sort((a, b) -> Integer.compare(b.steps, a.steps));
            int[] steps = new int[candidates.size()];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = candidates.get(i).steps;
            }
            chosen = BurstPlan.prefixLanes(steps, maxBatch, dims.dimensions().maxSession());
        }
        List<Burst> out = candidates.subList(0, chosen);
        for (Burst burst : out) {
            burst.lane.bursts.add(burst);
            if (burst.continued != null) {
                cacheHits.increment();
            } else if (batch.get(burst.inputs.get(0)).session().size() > 1) {
                rebuilds.increment();
            }
        }
        // Each lane's bursts are in its input order: a lane's chains are listed in order, and the
        // plan keeps the order of the candidates it takes per lane (at most one each when planned).
        return out;
    }

    /**
     * One session's clicks of a user in a call, each extending the one before: scored by one prefix
     * row (the tower over the last one's session) when it is a burst.
     */
    private static final class Burst {
        final Lane lane;
        final List<Integer> inputs = new ArrayList<>();

        /** The encoded profile of its inputs. */
        final int[] profile;

        /**
         * The lane's carried state when the chain continues it (the row then takes its clicks and
         * fixed inputs instead of looking them up again); null for a chain from the session's
         * start.
         */
        final StepState continued;

        /** The steps the chain needs from {@link #continued} (or from the session's start). */
        int steps;

        /** The state after the chain's last click, once its row has run. */
        StepState state;

        /** The position its steps would start from: that of {@link #continued}, else 0. */
        int start() {
            return continued == null ? 0 : continued.position;
        }

        Burst(Lane lane, int[] profile, StepState continued) {
            this.lane = lane;
            this.profile = profile;
            this.continued = continued;
        }
    }

    private void scoreWithTower(List<ModelInput> batch, List<Integer> indices, float[][] out) {
        if (indices.isEmpty()) {
            return;
        }
        fullTower.add(indices.size());
        for (int i : indices) {
            ModelInput in = batch.get(i);
            lookedUp.add(
                    Math.min(in.session().size(), model.encoder().maxSession())
                            + Math.min(in.history().size(), model.encoder().maxHistory()));
        }
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

        /** The lane's chains scored by prefix rows, in input order. */
        final List<Burst> bursts = new ArrayList<>();

        private int nextBurst;

        Lane(String userId) {
            this.userId = userId;
        }

        /**
         * The lane's pending inputs split into chains, each with the steps it needs: the first from
         * the state the lane has, the others from their session's start (a chain ends where an
         * input does not extend the one before: a new session, another history or encoded profile,
         * a replay of other clicks, none of which the state before it continues); only the first
         * unless {@code all}.
         */
        List<Burst> chains(List<ModelInput> batch, boolean all) {
            List<Burst> chains = new ArrayList<>();
            Burst chain = null;
            ModelInput previous = null;
            for (int i : pending) {
                ModelInput in = batch.get(i);
                if (previous == null || !extends_(in, previous, chain.profile)) {
                    if (chain != null) {
                        chain.steps = previous.session().size() - chain.start();
                        if (!all) {
                            return chains;
                        }
                    }
                    int[] encodedProfile = model.encoder().encodeProfile(in.profile());
                    boolean continues =
                            previous == null
                                    && state != null
                                    && state.continues(in, encodedProfile);
                    chain = new Burst(this, encodedProfile, continues ? state : null);
                    chains.add(chain);
                }
                chain.inputs.add(i);
                previous = in;
            }
            chain.steps = previous.session().size() - chain.start();
            return chains;
        }

        /**
         * Whether {@code in} continues {@code previous}'s session: same session, history and
         * encoded profile ({@code previousProfile}; attributes the model does not know do not
         * count, as in {@link StepState#continues}), and the clicks of {@code previous} at its
         * start (compared at both ends, as {@link StepState#continues} does).
         */
        private boolean extends_(ModelInput in, ModelInput previous, int[] previousProfile) {
            int n = previous.session().size();
            return java.util.Objects.equals(in.sessionId(), previous.sessionId())
                    && in.session().size() >= n
                    && (in.profile().equals(previous.profile())
                            || java.util.Arrays.equals(
                                    model.encoder().encodeProfile(in.profile()), previousProfile))
                    && in.history().equals(previous.history())
                    && in.session().get(0).equals(previous.session().get(0))
                    && in.session().get(n - 1).equals(previous.session().get(n - 1));
        }

        /**
         * Moves to the next pending input whose vector is not yet known, resolving where its steps
         * start.
         */
        void next(List<ModelInput> batch, float[][] out) {
            current = -1;
            while (!pending.isEmpty()) {
                int i = pending.peek();
                if (nextBurst < bursts.size() && bursts.get(nextBurst).inputs.get(0) == i) {
                    // Scored by its prefix row: go on from the state after its last click.
                    Burst burst = bursts.get(nextBurst++);
                    for (int k = 0; k < burst.inputs.size(); k++) {
                        pending.poll(); // a chain is contiguous in the lane's queue
                    }
                    state = burst.state;
                    profile = burst.profile;
                    continue;
                }
                ModelInput in = batch.get(i);
                int n = in.session().size();
                int[] encodedProfile = model.encoder().encodeProfile(in.profile());
                boolean continues = state != null && state.continues(in, encodedProfile);
                pending.poll();
                if (continues) {
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
                    lookedUp.add(state.historyLength);
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

    /**
     * Runs one step for each lane (one user each) and advances their states. Lanes whose state does
     * not carry its session values yet (a new session, a rebuild) get them first, in one run for
     * all of them.
     */
    private void runStep(List<Lane> lanes, List<ModelInput> batch) {
        int heads = dims.heads();
        int t = dims.dimensions().maxSession();
        boolean carried = !sessionValues.isEmpty();
        if (carried) {
            computeSessionValues(lanes);
        }
        // With session values the round pads to a pooled size (the padding lanes are not read);
        // without, the fixed inputs are fed too and the round allocates tensors of its own size.
        StepInputs in =
                carried
                        ? stepInputs.take(lanes.size())
                        : new StepInputs(dims, lanes.size(), sessionValues);
        boolean ranToTheEnd = false;
        try (SessionInputs fixed = carried ? null : new SessionInputs(dims, lanes.size())) {
            for (int r = 0; r < lanes.size(); r++) {
                Lane lane = lanes.get(r);
                StepState s = lane.state;
                in.put(r, s, batch.get(lane.current).session().get(s.position), model.encoder());
                if (fixed != null) {
                    fixed.put(r, s, lane.profile);
                }
            }
            Map<String, Tensor> feeds = in.feeds();
            if (fixed != null) {
                feeds = new LinkedHashMap<>(feeds);
                feeds.putAll(fixed.feeds());
            }
            try (Result result = step.step(feeds)) {
                StepOutputs out = StepOutputs.of(result);
                for (int r = 0; r < lanes.size(); r++) {
                    Lane lane = lanes.get(r);
                    StepState s = lane.state;
                    s.advance(
                            out,
                            r,
                            heads,
                            t,
                            batch.get(lane.current).session().get(s.position),
                            in.encodedClicks(),
                            4 * r);
                }
            }
            steps.add(lanes.size());
            lookedUp.add(lanes.size());
            rounds.increment();
            ranToTheEnd = true;
        } finally {
            if (carried && ranToTheEnd) {
                stepInputs.give(in);
            } else {
                in.close();
            }
        }
    }

    /**
     * Scores bursts with one prefix row each: the vector of each input of the burst at its own last
     * click, and the state after the burst's last click. Each burst goes to a tower that holds its
     * session, as {@link PrefixRunner#runWidths} plans: one run per width.
     */
    private void runPrefix(List<Burst> bursts, List<ModelInput> batch, float[][] out) {
        List<Integer> widths = prefix.widths();
        int[] needs = new int[bursts.size()];
        int[] rows = new int[widths.size()];
        for (int r = 0; r < bursts.size(); r++) {
            Burst burst = bursts.get(r);
            int clicks = batch.get(burst.inputs.get(burst.inputs.size() - 1)).session().size();
            needs[r] = prefix.widthIndexFor(clicks);
            rows[needs[r]]++;
        }
        int[] runWidth = PrefixRunner.runWidths(widths, rows);
        Map<Integer, List<Burst>> byWidth = new TreeMap<>();
        for (int r = 0; r < bursts.size(); r++) {
            byWidth.computeIfAbsent(runWidth[needs[r]], w -> new ArrayList<>()).add(bursts.get(r));
        }
        byWidth.forEach((width, group) -> runPrefix(group, batch, out, width));
    }

    private void runPrefix(List<Burst> bursts, List<ModelInput> batch, float[][] out, int width) {
        int d = dims.dimensions().vectorSize();
        int t = dims.dimensions().maxSession();
        List<ModelInput> rows = new ArrayList<>();
        EncodedBatch encoded = model.encoder().allocate(bursts.size());
        for (int r = 0; r < bursts.size(); r++) {
            Burst burst = bursts.get(r);
            ModelInput last = batch.get(burst.inputs.get(burst.inputs.size() - 1));
            rows.add(last);
            // The state continues the burst's first input; checked again against the last, whose
            // row it writes.
            lookedUp.add(
                    burst.continued != null && burst.continued.continues(last, burst.profile)
                            ? burst.continued.writeEncodedRow(encoded, r, last, model.encoder())
                            : model.encoder().encodeRow(last, encoded, r));
        }
        try (PrefixRunner.Outputs result = prefix.run(encoded, width)) {
            for (int r = 0; r < bursts.size(); r++) {
                Burst burst = bursts.get(r);
                ModelInput last = rows.get(r);
                for (int i : burst.inputs) {
                    int n = batch.get(i).session().size();
                    float[] vector = new float[d];
                    result.vectors.get((r * width + n - 1) * d, vector, 0, d);
                    out[i] = vector;
                }
                StepState fresh = StepState.ofEncodedRow(last, burst.profile, encoded, r, d);
                fresh.takePrefix(result, encoded, r, last.session(), dims.heads(), t);
                burst.state = fresh;
                prefixInputs.add(burst.inputs.size());
            }
        }
        countPrefixRun(width);
    }

    private void countPrefixRun(int width) {
        prefixRuns.increment();
        prefixRunsByWidth.computeIfAbsent(width, w -> new LongAdder()).increment();
    }

    /** Computes the session values of the lanes whose state has none, in one run. */
    private void computeSessionValues(List<Lane> lanes) {
        List<Lane> fresh = new ArrayList<>();
        for (Lane lane : lanes) {
            if (lane.state.sessionValues == null) {
                fresh.add(lane);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        try (SessionInputs in = new SessionInputs(dims, fresh.size())) {
            for (int r = 0; r < fresh.size(); r++) {
                in.put(r, fresh.get(r).state, fresh.get(r).profile);
            }
            try (Result result = step.sessionValues(in.feeds())) {
                FloatBuffer[] values = new FloatBuffer[sessionValues.size()];
                for (int v = 0; v < values.length; v++) {
                    values[v] = StepOutputs.floats(result, v);
                }
                for (int r = 0; r < fresh.size(); r++) {
                    fresh.get(r).state.takeSessionValues(values, r);
                }
            }
        }
        sessionRuns.increment();
    }

    /**
     * Warms up the step, the towers that score bursts (each width: TF prepares a run the first time
     * its fetches are asked for) and, for sessions longer than the model's, the full tower; keeps
     * no state of it.
     */
    @Override
    public void warmUp() {
        BatchScorer.super.warmUp();
        cache.take(WARM_UP);
        if (prefix != null) {
            EncodedBatch encoded = model.encoder().allocate(1);
            model.encoder().encodeRow(BatchScorer.warmUpInput(), encoded, 0);
            for (int width : prefix.widths()) {
                try (PrefixRunner.Outputs ignored = prefix.run(encoded, width)) {
                    countPrefixRun(width);
                }
            }
        }
        model.userVectors(List.of(BatchScorer.warmUpInput()));
    }

    /** Counters since load (the warm-up included), and the cache's current size. */
    public Stats stats() {
        return new Stats(
                inputs.sum(),
                steps.sum(),
                rounds.sum(),
                sessionRuns.sum(),
                prefixRuns.sum(),
                prefixInputs.sum(),
                cacheHits.sum(),
                rebuilds.sum(),
                fullTower.sum(),
                cache.evictions(),
                cache.users(),
                cache.bytes(),
                lookedUp.sum());
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

    /**
     * Step-input tensor sets allocated since load: rounds of the sizes seen before reuse theirs.
     */
    long stepInputSetsAllocated() {
        return stepInputs == null ? 0 : stepInputs.allocated();
    }

    /**
     * The widths of the towers that score bursts, narrowest first (T last); empty when bursts are
     * stepped.
     */
    List<Integer> prefixWidths() {
        return prefix == null ? List.of() : prefix.widths();
    }

    /** Prefix runs since load by the width of their tower (the warm-up included). */
    Map<Integer, Long> prefixRunsByWidth() {
        Map<Integer, Long> runs = new TreeMap<>();
        prefixRunsByWidth.forEach((width, n) -> runs.put(width, n.sum()));
        return runs;
    }

    /** Step signature sizes, or null when the model has none. */
    public ModelSignature.StepDimensions stepDimensions() {
        return dims;
    }

    @Override
    public synchronized void close() {
        cache.clear();
        if (stepInputs != null) {
            stepInputs.close();
        }
        model.close();
    }
}
