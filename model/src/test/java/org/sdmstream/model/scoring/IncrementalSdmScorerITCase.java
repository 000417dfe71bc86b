package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.testing.PlantedSessions;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;
import org.tensorflow.SavedModelBundle;

/**
 * The step signature through {@link IncrementalSdmScorer} reproduces the full tower's vector at
 * every position of random sessions, whatever the cache holds: cold starts, hits, misses
 * mid-session, evictions, interleaved users, several clicks of one user in one call, a reloaded
 * model.
 */
class IncrementalSdmScorerITCase {

    static final float TOLERANCE = 1e-5f;

    @TempDir static Path tmp;

    static Path withLongTerm;
    static Path shortTerm;

    @BeforeAll
    static void trainAndExport() {
        withLongTerm = export(tiny().build(), "sdm");
        shortTerm = export(tiny().longTerm(false).build(), "sdm-short");
    }

    /**
     * Tiny widths, but the default session length (50) so that every session length 1..50 steps.
     */
    static SdmConfig.Builder tiny() {
        return SdmConfig.builder()
                .itemEmbeddingDim(8)
                .categoryEmbeddingDim(4)
                .brandEmbeddingDim(2)
                .shopEmbeddingDim(2)
                .userEmbeddingDim(8)
                .hiddenSize(8)
                .heads(2)
                .maxHistoryLength(5)
                .batchSize(32)
                .epochs(1)
                .learningRate(0.05f);
    }

    /**
     * Every tower of the serving graph, the full one and each narrower one, runs its LSTM as one
     * fused op (the parity tests here hold them to the step's numbers).
     */
    @Test
    void everyTowerRunsItsLstmAsOneOp() {
        List<String> fused = new ArrayList<>();
        try (SavedModelBundle b =
                SavedModelBundle.load(withLongTerm.toString(), ModelSignature.TAG)) {
            var ops = b.graph().operations();
            while (ops.hasNext()) {
                var op = ops.next();
                if (op.type().equals("BlockLSTMV2")) {
                    fused.add(op.name());
                }
            }
        }
        assertThat(fused).hasSize(4);
        for (int width : List.of(8, 16, 32)) {
            assertThat(fused)
                    .filteredOn(
                            name -> name.startsWith(ModelSignature.prefixTowerScope(width) + "/"))
                    .hasSize(1);
        }
    }

    static Path export(SdmConfig config, String name) {
        Path dir = tmp.resolve(name);
        try (TrainedSdm model =
                new SdmTrainer(config)
                        .withProfiles(
                                u ->
                                        u.hashCode() % 3 == 0
                                                ? Map.of()
                                                : Map.of(
                                                        "segment",
                                                        u.hashCode() % 2 == 0 ? "a" : "b"))
                        .train(
                                PlantedSessions.sessions(8, 2, 6, 20, 0.8, 3),
                                ProgressListener.NONE)) {
            SavedModelExporter.export(model, dir, name + "-v1", Map.of());
        }
        return dir;
    }

    /** A user's session clicked one by one: inputs.get(j) is the input after click j + 1. */
    record UserSession(String user, List<ModelInput> inputs) {}

    static UserSession session(Random r, String user, String sessionId, int length) {
        List<Behavior> history = new ArrayList<>();
        int historyLength = r.nextInt(8); // 0..7: empty, partial and longer than maxHistory 5
        for (int j = 0; j < historyLength; j++) {
            history.add(PlantedSessions.behavior(r.nextInt(20), j));
        }
        Map<String, String> profile =
                r.nextBoolean() ? Map.of("segment", r.nextBoolean() ? "a" : "b") : Map.of();
        List<Behavior> clicks = new ArrayList<>();
        List<ModelInput> inputs = new ArrayList<>();
        for (int j = 0; j < length; j++) {
            // now and then an item the vocabulary never saw (row "unknown")
            clicks.add(
                    r.nextInt(10) == 0
                            ? new Behavior("unseen" + j, "c1", "b9", null, 100 + j)
                            : PlantedSessions.behavior(r.nextInt(20), 100 + j));
            inputs.add(new ModelInput(user, sessionId, clicks, history, profile, 100 + j));
        }
        return new UserSession(user, inputs);
    }

    static ModelInput withProfile(ModelInput in, Map<String, String> profile) {
        return new ModelInput(
                in.userId(), in.sessionId(), in.session(), in.history(), profile, in.eventTime());
    }

    static List<UserSession> randomSessions(long seed, int users) {
        Random r = new Random(seed);
        List<UserSession> out = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            int length = u == 0 ? 1 : u == 1 ? 50 : 1 + r.nextInt(50);
            out.add(session(r, (u % 5 == 4 ? "stranger" : "u") + u, "s" + u, length));
        }
        return out;
    }

    /** All clicks of the sessions interleaved at random, each user's clicks in order. */
    static List<ModelInput> interleave(List<UserSession> sessions, Random r) {
        List<Integer> owners = new ArrayList<>();
        for (int u = 0; u < sessions.size(); u++) {
            for (int j = 0; j < sessions.get(u).inputs().size(); j++) {
                owners.add(u);
            }
        }
        Collections.shuffle(owners, r);
        int[] next = new int[sessions.size()];
        List<ModelInput> out = new ArrayList<>();
        for (int u : owners) {
            out.add(sessions.get(u).inputs().get(next[u]++));
        }
        return out;
    }

    static void assertSameVectors(float[][] actual, float[][] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < Math.min(actual[i].length, expected[i].length); k++) {
                max = Math.max(max, Math.abs(actual[i][k] - expected[i][k]));
            }
        }
        System.out.printf(
                "step vs full tower: %d vectors, max |diff| %.2e%n", expected.length, max);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("vector %d", i).hasSameSizeAs(expected[i]);
            for (int k = 0; k < expected[i].length; k++) {
                assertThat(Math.abs(actual[i][k] - expected[i][k]))
                        .as("vector %d component %d", i, k)
                        .isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }

    static final Map<Path, SdmBatchScorer> fullTowers = new java.util.HashMap<>();

    @AfterAll
    static void closeFullTowers() {
        fullTowers.values().forEach(SdmBatchScorer::close);
    }

    /** The reference: the full tower over each input's whole session. */
    static float[][] fullTower(Path model, List<ModelInput> inputs) {
        return fullTowers
                .computeIfAbsent(model, m -> SdmBatchScorer.load(m, new ScorerOptions(1, 1, 256)))
                .score(inputs);
    }

    /**
     * A scorer that scores every burst of 3 steps or more by a prefix row ({@link
     * IncrementalScorerOptions.Bursts#PREFIX_ROWS}, the default): the tests below walk both paths
     * and their hand-overs with it; {@link #planned} chooses by cost.
     */
    static IncrementalSdmScorer incremental(Path model, long cacheBytes, int maxBatch) {
        return IncrementalSdmScorer.load(
                model,
                new IncrementalScorerOptions(new ScorerOptions(1, 1, maxBatch), cacheBytes)
                        .withBursts(IncrementalScorerOptions.Bursts.PREFIX_ROWS));
    }

    /** Prefix rows where {@link BurstPlan} finds them cheaper than steps. */
    static IncrementalSdmScorer planned(Path model, long cacheBytes, int maxBatch) {
        return IncrementalSdmScorer.load(
                model,
                new IncrementalScorerOptions(new ScorerOptions(1, 1, maxBatch), cacheBytes)
                        .withBursts(IncrementalScorerOptions.Bursts.PLANNED));
    }

    /** A scorer that steps every click, bursts of one user's clicks included. */
    static IncrementalSdmScorer steppingOnly(Path model, long cacheBytes, int maxBatch) {
        return IncrementalSdmScorer.load(
                model,
                new IncrementalScorerOptions(new ScorerOptions(1, 1, maxBatch), cacheBytes)
                        .withPrefixBursts(false));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyPositionOfInterleavedRandomSessionsMatchesTheFullTower(boolean longTerm) {
        Path model = longTerm ? withLongTerm : shortTerm;
        Random r = new Random(longTerm ? 11 : 12);
        List<ModelInput> stream = interleave(randomSessions(longTerm ? 1 : 2, 12), r);
        float[][] expected = fullTower(model, stream);
        List<float[]> actual = new ArrayList<>();
        try (IncrementalSdmScorer scorer =
                steppingOnly(model, IncrementalScorerOptions.DEFAULT_CACHE_BYTES, 256)) {
            assertThat(scorer.incremental()).isTrue();
            // Micro-batches of 1..12 clicks, as the operator would flush them: users interleave,
            // and a
            // batch often holds several clicks of one user.
            for (int from = 0; from < stream.size(); ) {
                int to = Math.min(stream.size(), from + 1 + r.nextInt(12));
                actual.addAll(List.of(scorer.score(stream.subList(from, to))));
                from = to;
            }
            IncrementalSdmScorer.Stats stats = scorer.stats();
            // every click stepped exactly once: state was carried, never recomputed
            assertThat(stats.steps()).isEqualTo(stream.size());
            assertThat(stats.rebuilds()).isZero();
            assertThat(stats.fullTower()).isZero();
            // The session values (query, and p and the gate's fixed part with the long-term
            // branch) were computed once per session and fed back at later clicks: at most one
            // session run per round, and only rounds with a session's first click have one.
            assertThat(stats.sessionRuns()).isPositive().isLessThanOrEqualTo(stats.rounds());
            assertThat(stats.sessionRuns()).isLessThanOrEqualTo(12);
        }
        assertSameVectors(actual.toArray(new float[0][]), expected);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void burstsOfOneUsersClicksScoredByPrefixRowsMatchTheFullTowerAndSteppingGoesOn(
            boolean longTerm) {
        Path model = longTerm ? withLongTerm : shortTerm;
        Random r = new Random(longTerm ? 13 : 14);
        List<ModelInput> stream = interleave(randomSessions(longTerm ? 5 : 6, 12), r);
        float[][] expected = fullTower(model, stream);
        List<float[]> actual = new ArrayList<>();
        try (IncrementalSdmScorer scorer =
                incremental(model, IncrementalScorerOptions.DEFAULT_CACHE_BYTES, 256)) {
            // Micro-batches of 1..40 clicks: a user often has 3 or more in one, a burst, and its
            // later clicks are stepped from the state the prefix row left.
            for (int from = 0; from < stream.size(); ) {
                int to = Math.min(stream.size(), from + 1 + r.nextInt(40));
                actual.addAll(List.of(scorer.score(stream.subList(from, to))));
                from = to;
            }
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.prefixRuns()).isPositive();
            assertThat(stats.steps()).isPositive();
            // every click scored once, by a step or by a prefix row
            assertThat(stats.steps() + stats.prefixInputs()).isEqualTo(stream.size());
            assertThat(stats.rebuilds()).isZero();
            assertThat(stats.fullTower()).isZero();
        }
        assertSameVectors(actual.toArray(new float[0][]), expected);
    }

    @Test
    void aBurstThenOneClickAtATimeContinuesFromThePrefixState() {
        UserSession s = randomSessions(4, 2).get(1); // 50 clicks
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 20, 256)) {
            float[][] actual = new float[50][];
            float[][] burst = scorer.score(s.inputs().subList(0, 30));
            System.arraycopy(burst, 0, actual, 0, 30);
            for (int j = 30; j < 50; j++) {
                actual[j] = scorer.score(List.of(s.inputs().get(j)))[0];
            }
            assertSameVectors(actual, fullTower(withLongTerm, s.inputs()));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.prefixRuns()).isEqualTo(1);
            assertThat(stats.prefixInputs()).isEqualTo(30);
            assertThat(stats.steps()).isEqualTo(20);
            assertThat(stats.cacheHits()).isEqualTo(20);
        }
    }

    @Test
    void aSessionScoredInBurstsAndStepsLooksUpEachClickAndItsHistoryOnce() {
        List<ModelInput> in = session(new Random(7), "u1", "s1", 50).inputs();
        int history = Math.min(in.get(0).history().size(), 5);
        assertThat(history).isPositive();
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 20, 256)) {
            float[][] actual = new float[50][];
            // a burst from nothing, one that continues it, two steps, a burst after the steps
            int[] cuts = {0, 10, 25, 26, 27, 50};
            for (int c = 0; c + 1 < cuts.length; c++) {
                float[][] part = scorer.score(in.subList(cuts[c], cuts[c + 1]));
                System.arraycopy(part, 0, actual, cuts[c], part.length);
            }
            assertSameVectors(actual, fullTower(withLongTerm, in));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.prefixRuns()).isEqualTo(3);
            assertThat(stats.steps()).isEqualTo(2);
            // the later bursts take the clicks and the history the carried state encoded
            assertThat(stats.lookedUp()).isEqualTo(50 + history);
        }
    }

    /**
     * States grown by steps (4, 8, 16 rows) and continued by bursts of several users in one call,
     * split into runs of two rows: every row of a run takes its own user's carried inputs.
     */
    @Test
    void burstsOfSeveralUsersInOneCallContinueTheirOwnSteppedStates() {
        List<List<ModelInput>> users =
                List.of(
                        session(new Random(123456), "u1", "s1", 30).inputs(),
                        session(new Random(4242), "u2", "s2", 30).inputs(),
                        session(new Random(30000), "u3", "s3", 30).inputs());
        // clicks 1-2 in one call, 3..8 one per call, a burst of 5, one step, a burst of 5, the rest
        int[] cuts = {0, 2, 3, 4, 5, 6, 7, 8, 13, 14, 19, 30};
        List<ModelInput> stream = new ArrayList<>();
        long history = 0;
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 20, 2)) {
            List<float[]> actual = new ArrayList<>();
            for (int c = 0; c + 1 < cuts.length; c++) {
                List<ModelInput> call = new ArrayList<>();
                for (int j = cuts[c]; j < cuts[c + 1]; j++) {
                    for (List<ModelInput> user : users) {
                        call.add(user.get(j)); // users interleaved, each in order
                    }
                }
                stream.addAll(call);
                actual.addAll(List.of(scorer.score(call)));
            }
            assertSameVectors(actual.toArray(new float[0][]), fullTower(withLongTerm, stream));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.steps()).isEqualTo(3 * 9);
            assertThat(stats.prefixInputs()).isEqualTo(3 * (5 + 5 + 11));
            assertThat(stats.prefixRuns()).isEqualTo(3 * 2); // two rows per run
            assertThat(stats.rebuilds()).isZero();
            for (List<ModelInput> user : users) {
                history += Math.min(user.get(0).history().size(), 5);
            }
            assertThat(stats.lookedUp()).isEqualTo(3 * 30 + history);
        }
    }

    /**
     * Planned, a call steps many short bursts and scores a lone long one (a cold start mid-session)
     * by a prefix row, as {@link BurstPlan} says; vectors stay the full tower's.
     */
    @Test
    void plannedShortBurstsAreSteppedAndALoneLongOneGoesByAPrefixRow() {
        List<List<ModelInput>> users = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            users.add(session(new Random(100 + u), "u" + u, "s" + u, 40).inputs());
        }
        try (IncrementalSdmScorer scorer = planned(withLongTerm, 1 << 22, 256)) {
            List<ModelInput> stream = new ArrayList<>();
            List<float[]> actual = new ArrayList<>();
            // bursts of 3 clicks of all 20 users, twice: stepped
            for (int from = 0; from < 6; from += 3) {
                List<ModelInput> call = new ArrayList<>();
                for (List<ModelInput> user : users) {
                    call.addAll(user.subList(from, from + 3));
                }
                stream.addAll(call);
                actual.addAll(List.of(scorer.score(call)));
            }
            assertThat(scorer.stats().prefixRuns()).isZero();
            assertThat(scorer.stats().steps()).isEqualTo(120);
            // user 0's state is lost (eviction, restart); its click 40 arrives with one click of
            // every other user: 40 steps alone, or one prefix row
            scorer.clearCache();
            List<ModelInput> call = new ArrayList<>();
            call.add(users.get(0).get(39));
            for (List<ModelInput> user : users.subList(1, 20)) {
                call.add(user.get(6));
            }
            stream.addAll(call);
            actual.addAll(List.of(scorer.score(call)));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.prefixRuns()).isEqualTo(1);
            assertThat(stats.prefixInputs()).isEqualTo(1);
            // the other 19 lost their states too: each rebuilt by 7 steps, in 7 rounds
            assertThat(stats.steps()).isEqualTo(120 + 19 * 7);
            assertSameVectors(actual.toArray(new float[0][]), fullTower(withLongTerm, stream));
        }
    }

    @Test
    void twoThreadsScoringTheirOwnUsersAtOnceInTheCallersThreadsMatchTheFullTower()
            throws Exception {
        // As two subtasks of a TaskManager sharing one model: users are split between them by key.
        List<UserSession> sessions = randomSessions(3, 16);
        List<List<ModelInput>> streams =
                List.of(
                        interleave(sessions.subList(0, 8), new Random(31)),
                        interleave(sessions.subList(8, 16), new Random(32)));
        try (IncrementalSdmScorer scorer =
                IncrementalSdmScorer.load(
                        withLongTerm,
                        new IncrementalScorerOptions(
                                new ScorerOptions(1, -1, 256),
                                IncrementalScorerOptions.DEFAULT_CACHE_BYTES))) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<float[][]>> results = new ArrayList<>();
                for (List<ModelInput> stream : streams) {
                    results.add(
                            pool.submit(
                                    () -> {
                                        List<float[]> out = new ArrayList<>();
                                        for (int from = 0; from < stream.size(); from += 5) {
                                            out.addAll(
                                                    List.of(
                                                            scorer.score(
                                                                    stream.subList(
                                                                            from,
                                                                            Math.min(
                                                                                    stream.size(),
                                                                                    from + 5)))));
                                        }
                                        return out.toArray(new float[0][]);
                                    }));
                }
                for (int s = 0; s < 2; s++) {
                    assertSameVectors(
                            results.get(s).get(), fullTower(withLongTerm, streams.get(s)));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(scorer.stats().steps() + scorer.stats().prefixInputs())
                    .isEqualTo(streams.get(0).size() + streams.get(1).size());
            assertThat(scorer.stats().rebuilds()).isZero();
        }
    }

    @Test
    void aWholeSessionInOneCallIsSteppedInOrder() {
        List<UserSession> sessions = randomSessions(3, 3);
        List<ModelInput> batch = new ArrayList<>(sessions.get(1).inputs()); // 50 clicks of one user
        batch.addAll(sessions.get(2).inputs());
        try (IncrementalSdmScorer scorer = steppingOnly(withLongTerm, 1 << 20, 7)) {
            assertSameVectors(scorer.score(batch), fullTower(withLongTerm, batch));
            assertThat(scorer.stats().steps()).isEqualTo(batch.size());
        }
        // With bursts on, each user's clicks are one prefix row, both in one run (a lone short row
        // rides in the wider run rather than pay a run of its own).
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 20, 7)) {
            assertSameVectors(scorer.score(batch), fullTower(withLongTerm, batch));
            assertThat(scorer.stats().steps()).isZero();
            assertThat(scorer.stats().prefixRuns()).isEqualTo(1);
        }
    }

    @Test
    void roundsReusingTheTensorsOfLongerSessionsAndPaddedRoundsMatchTheFullTower() {
        // The step-input tensors serve round after round and a lane writes only its own rows: the
        // slots past a short session hold the rows a longer session wrote there before.
        UserSession longOne = randomSessions(11, 2).get(1); // 50 clicks
        UserSession shortOne = session(new Random(12), "short", "s-short", 6);
        try (IncrementalSdmScorer scorer = steppingOnly(withLongTerm, 1 << 24, 256)) {
            List<ModelInput> asked = new ArrayList<>();
            List<float[]> actual = new ArrayList<>();
            for (int j = 0; j < 45; j++) {
                asked.add(longOne.inputs().get(j));
                actual.add(scorer.score(List.of(longOne.inputs().get(j)))[0]);
            }
            for (ModelInput in : shortOne.inputs()) {
                asked.add(in);
                actual.add(scorer.score(List.of(in))[0]);
            }
            // Every one-lane round took the same set.
            assertThat(scorer.stepInputSetsAllocated()).isEqualTo(1);

            // 18 users stepped together (six rounds of 18 lanes), then 17 others (three rounds of
            // 17 in the same 18-lane set): the padding lane and the slots past each new user's
            // position hold what the first users' rounds left there.
            Random r = new Random(14);
            List<UserSession> first = new ArrayList<>();
            List<UserSession> then = new ArrayList<>();
            for (int u = 0; u < 18; u++) {
                first.add(session(r, "first" + u, "s-first" + u, 6));
            }
            for (int u = 0; u < 17; u++) {
                then.add(session(r, "then" + u, "s-then" + u, 3));
            }
            for (List<UserSession> group : List.of(first, then)) {
                for (int j = 0; j < group.get(0).inputs().size(); j++) {
                    List<ModelInput> round = new ArrayList<>();
                    for (UserSession us : group) {
                        round.add(us.inputs().get(j));
                    }
                    asked.addAll(round);
                    actual.addAll(List.of(scorer.score(round)));
                }
            }
            assertThat(scorer.stepInputSetsAllocated()).isEqualTo(2);
            assertSameVectors(actual.toArray(new float[0][]), fullTower(withLongTerm, asked));
            assertThat(scorer.stats().steps()).isEqualTo(45 + 6 + 18 * 6 + 17 * 3);
        }
    }

    @Test
    void burstsGoThroughNarrowerTowersAndSteppingGoesOn() {
        // Each user's whole session in one call, one prefix row each: ten short sessions (3 to 8
        // clicks; two more of 2 clicks are stepped) in a run of the 8-wide tower, two long ones (42
        // and 43) in the 50-wide; then one more click each, stepped from the state the towers left.
        // In a second call, short sessions only: one
        // run of the 8-wide tower.
        Random r = new Random(21);
        List<UserSession> sessions = new ArrayList<>();
        for (int u = 0; u < 14; u++) {
            int length = u < 12 ? 2 + u % 7 : 30 + u;
            sessions.add(session(r, "w" + u, "s-w" + u, length + 1));
        }
        List<ModelInput> bursts = new ArrayList<>();
        List<ModelInput> next = new ArrayList<>();
        for (UserSession s : sessions) {
            bursts.addAll(s.inputs().subList(0, s.inputs().size() - 1));
            next.add(s.inputs().get(s.inputs().size() - 1));
        }
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 24, 1024)) {
            assertThat(scorer.prefixWidths()).containsExactly(8, 16, 32, 50);
            assertSameVectors(scorer.score(bursts), fullTower(withLongTerm, bursts));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(scorer.prefixRunsByWidth()).isEqualTo(Map.of(8, 1L, 50, 1L));
            assertThat(stats.prefixInputs()).isEqualTo(bursts.size() - 4);
            assertThat(stats.steps()).isEqualTo(4);
            assertSameVectors(scorer.score(next), fullTower(withLongTerm, next));
            assertThat(scorer.stats().steps()).isEqualTo(4 + next.size());
            assertThat(scorer.stats().rebuilds()).isZero();

            List<ModelInput> shortOnes = new ArrayList<>();
            for (int u = 0; u < 6; u++) {
                shortOnes.addAll(session(r, "v" + u, "s-v" + u, 3 + u).inputs());
            }
            assertSameVectors(scorer.score(shortOnes), fullTower(withLongTerm, shortOnes));
            assertThat(scorer.prefixRunsByWidth()).isEqualTo(Map.of(8, 2L, 50, 1L));
        }
    }

    @Test
    void aUsersLaterSessionsInTheSameCallAreBurstsToo() {
        // A replayed user: several sessions of one user in one call. Each session after the first
        // used to be stepped one round per click; now each chain worth a prefix row is one.
        Random r = new Random(31);
        UserSession a = session(r, "replayed", "s-a", 5);
        UserSession b = session(r, "replayed", "s-b", 6);
        UserSession c = session(r, "replayed", "s-c", 2);
        UserSession d = session(r, "replayed", "s-d", 4);
        // Another user's two-click session in the same call, stepped.
        UserSession other = session(r, "other", "s-o", 2);
        List<ModelInput> batch = new ArrayList<>();
        for (UserSession s : List.of(a, b, c, d)) {
            batch.addAll(s.inputs());
        }
        batch.addAll(other.inputs());
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 24, 256)) {
            assertSameVectors(scorer.score(batch), fullTower(withLongTerm, batch));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            // a, b and d by prefix rows of the 8-wide tower, all three in one run (a row needs no
            // state from the sessions before it); c's and the other user's two clicks stepped, in
            // two rounds.
            assertThat(stats.prefixInputs()).isEqualTo(5 + 6 + 4);
            assertThat(scorer.prefixRunsByWidth()).isEqualTo(Map.of(8, 1L));
            assertThat(stats.steps()).isEqualTo(2 + 2);
            assertThat(stats.rounds()).isEqualTo(2);
            assertThat(stats.rebuilds()).isZero();
        }
        // The user's first session carried from an earlier call (two clicks stepped there): its
        // other three clicks are a row that continues the cached state, in the same run as the
        // later
        // sessions' rows; the lane steps c from a fresh state between b's and d's rows.
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 24, 256)) {
            List<ModelInput> earlier = a.inputs().subList(0, 2);
            assertSameVectors(scorer.score(earlier), fullTower(withLongTerm, earlier));
            List<ModelInput> rest = batch.subList(2, batch.size());
            assertSameVectors(scorer.score(rest), fullTower(withLongTerm, rest));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.prefixInputs()).isEqualTo(3 + 6 + 4);
            assertThat(scorer.prefixRunsByWidth()).isEqualTo(Map.of(8, 1L));
            // a's first two clicks in the first call; c's two beside the other user's two
            assertThat(stats.steps()).isEqualTo(2 + 2 + 2);
            assertThat(stats.rounds()).isEqualTo(2 + 2);
            // a's second click, a's row from its state, c's and the other user's second clicks
            assertThat(stats.cacheHits()).isEqualTo(4);
            assertThat(stats.rebuilds()).isZero();
        }
        // Rows of a call in chunks of the batch cap: the same vectors, runs of at most two rows.
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 24, 2)) {
            assertSameVectors(scorer.score(batch), fullTower(withLongTerm, batch));
            assertThat(scorer.stats().prefixInputs()).isEqualTo(5 + 6 + 4);
            assertThat(scorer.prefixRunsByWidth()).isEqualTo(Map.of(8, 2L));
        }
        // Planned bursts plan once per call (a lone later chain of a few steps is stepped): the
        // same vectors.
        try (IncrementalSdmScorer scorer = planned(withLongTerm, 1 << 24, 256)) {
            assertSameVectors(scorer.score(batch), fullTower(withLongTerm, batch));
            assertThat(scorer.stats().prefixRuns()).isLessThanOrEqualTo(1);
        }
        // Stepping only: the same vectors, every click a step.
        try (IncrementalSdmScorer scorer = steppingOnly(withLongTerm, 1 << 24, 256)) {
            assertSameVectors(scorer.score(batch), fullTower(withLongTerm, batch));
            assertThat(scorer.stats().steps()).isEqualTo(batch.size());
            assertThat(scorer.stats().prefixRuns()).isZero();
        }
    }

    @Test
    void aProfileAttributeTheModelDoesNotKnowKeepsOneChain() {
        // Mid-session the client adds an attribute the model was not trained with: the encoded
        // profile is the same, so the session's clicks stay one chain (one row, no rebuild).
        UserSession s = session(new Random(5), "u", "s", 6);
        List<ModelInput> inputs = new ArrayList<>();
        for (int j = 0; j < s.inputs().size(); j++) {
            ModelInput in = s.inputs().get(j);
            Map<String, String> profile = new java.util.HashMap<>(in.profile());
            if (j >= 3) {
                profile.put("device", "phone");
            }
            inputs.add(withProfile(in, profile));
        }
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 24, 256)) {
            assertSameVectors(scorer.score(inputs), fullTower(withLongTerm, inputs));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.prefixInputs()).isEqualTo(6);
            assertThat(stats.prefixRuns()).isEqualTo(1);
            assertThat(stats.rebuilds()).isZero();
        }
    }

    @Test
    void theWarmUpRunsTheStepAndEveryTowerAndKeepsNoState() {
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 20, 256)) {
            scorer.warmUp();
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.steps()).isEqualTo(1);
            assertThat(scorer.prefixRunsByWidth()).isEqualTo(Map.of(8, 1L, 16, 1L, 32, 1L, 50, 1L));
            assertThat(stats.prefixRuns()).isEqualTo(4);
            assertThat(stats.cachedUsers()).isZero();
        }
    }

    @Test
    void aCacheMissMidSessionRebuildsFromTheInput() {
        UserSession s = randomSessions(4, 2).get(1); // 50 clicks
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 20, 256)) {
            for (int j = 0; j < 20; j++) {
                scorer.score(List.of(s.inputs().get(j)));
            }
            scorer.clearCache(); // as after a restart, a rescale or an eviction
            List<ModelInput> rest = s.inputs().subList(20, 50);
            float[][] actual = new float[rest.size()][];
            for (int j = 0; j < rest.size(); j++) {
                actual[j] = scorer.score(List.of(rest.get(j)))[0];
            }
            assertSameVectors(actual, fullTower(withLongTerm, rest));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.rebuilds()).isEqualTo(1);
            // The rebuild of the 21-click prefix is one prefix row, not 21 steps.
            assertThat(stats.steps()).isEqualTo(20 + 29);
            assertThat(stats.prefixRuns()).isEqualTo(1);
        }
    }

    @Test
    void aProfileThatChangesMidSessionRebuildsTheCarriedState() {
        // The user-attention sums carried from earlier clicks were weighed with the old profile's
        // user
        // embedding; the full tower weighs every position with the profile of the click being
        // scored.
        UserSession s = randomSessions(4, 2).get(1); // 50 clicks
        List<Map<String, String>> profiles =
                List.of(Map.of("segment", "a"), Map.of("segment", "b"), Map.of());
        List<ModelInput> inputs = new ArrayList<>();
        for (int j = 0; j < s.inputs().size(); j++) {
            ModelInput in = s.inputs().get(j);
            inputs.add(withProfile(in, profiles.get(j * profiles.size() / s.inputs().size())));
        }
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 20, 256)) {
            float[][] actual = new float[inputs.size()][];
            for (int j = 0; j < inputs.size(); j++) {
                actual[j] = scorer.score(List.of(inputs.get(j)))[0];
            }
            assertSameVectors(actual, fullTower(withLongTerm, inputs));
            assertThat(scorer.stats().rebuilds()).as("one rebuild per profile change").isEqualTo(2);
        }
    }

    @Test
    void aCachedStateOfAnotherPrefixIsNotReused() {
        Random r = new Random(5);
        UserSession a = session(r, "u1", "s", 10);
        UserSession b =
                session(r, "u1", "s", 10); // same user and session id, other clicks and history
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1 << 20, 256)) {
            for (int j = 0; j < 9; j++) {
                scorer.score(List.of(a.inputs().get(j)));
            }
            ModelInput last = b.inputs().get(9);
            assertSameVectors(scorer.score(List.of(last)), fullTower(withLongTerm, List.of(last)));
            assertThat(scorer.stats().rebuilds()).isEqualTo(1);
            // the same input again is answered from the state without a step
            long steps = scorer.stats().steps();
            assertSameVectors(scorer.score(List.of(last)), fullTower(withLongTerm, List.of(last)));
            assertThat(scorer.stats().steps()).isEqualTo(steps);
        }
    }

    @Test
    void evictionUnderATinyCacheStaysCorrect() {
        List<UserSession> sessions = randomSessions(6, 6);
        Random r = new Random(6);
        List<ModelInput> stream = interleave(sessions, r);
        // room for one or two short states: users keep evicting each other
        try (IncrementalSdmScorer scorer = incremental(withLongTerm, 1_500, 4)) {
            List<float[]> actual = new ArrayList<>();
            for (int from = 0; from < stream.size(); from += 3) {
                actual.addAll(
                        List.of(
                                scorer.score(
                                        stream.subList(from, Math.min(stream.size(), from + 3)))));
            }
            assertSameVectors(actual.toArray(new float[0][]), fullTower(withLongTerm, stream));
            IncrementalSdmScorer.Stats stats = scorer.stats();
            assertThat(stats.evictions()).isPositive();
            assertThat(stats.rebuilds()).isPositive();
            assertThat(stats.cachedBytes()).isLessThanOrEqualTo(1_500);
        }
    }

    @Test
    void aFreshScorerOnTheReloadedModelContinuesASession() {
        UserSession s = randomSessions(7, 2).get(1);
        float[][] expected = fullTower(withLongTerm, s.inputs());
        float[][] actual = new float[s.inputs().size()][];
        try (IncrementalSdmScorer first = incremental(withLongTerm, 1 << 20, 256)) {
            for (int j = 0; j < 30; j++) {
                actual[j] = first.score(List.of(s.inputs().get(j)))[0];
            }
        }
        try (IncrementalSdmScorer second = incremental(withLongTerm, 1 << 20, 256)) {
            for (int j = 30; j < 50; j++) {
                actual[j] = second.score(List.of(s.inputs().get(j)))[0];
            }
            assertThat(second.stats().rebuilds()).isEqualTo(1);
            assertThat(second.modelVersion()).isEqualTo("sdm-v1");
        }
        assertSameVectors(actual, expected);
    }

    @Test
    void aSessionLongerThanTheModelUsesTheFullTower() {
        Random r = new Random(8);
        UserSession s = session(r, "u2", "long", 55);
        List<ModelInput> tail = s.inputs().subList(48, 55);
        try (IncrementalSdmScorer scorer = incremental(shortTerm, 1 << 20, 256)) {
            assertSameVectors(scorer.score(tail), fullTower(shortTerm, tail));
            assertThat(scorer.stats().fullTower()).isEqualTo(5);
        }
    }

    @Test
    void theExportedStepSignatureMatchesTheContract() {
        try (SdmScorer model = SdmScorer.load(withLongTerm, ScorerOptions.DEFAULT)) {
            ModelSignature.StepDimensions dims =
                    ModelSignature.checkStep(
                            model.signature(ModelSignature.STEP_KEY).orElseThrow(),
                            model.dimensions());
            assertThat(dims)
                    .isEqualTo(
                            new ModelSignature.StepDimensions(
                                    new ModelSignature.Dimensions(50, 5, 1, 8), 2, 4));
            assertThat(model.signature(ModelSignature.KEY)).isPresent();
            // The session values a scorer carries are named ops of the step graph.
            assertThat(ModelSignature.SESSION_VALUES)
                    .allMatch(name -> model.hasOperation(ModelSignature.stepOp(name)));
        }
        try (SdmScorer model = SdmScorer.load(shortTerm, ScorerOptions.DEFAULT)) {
            // Without the long-term branch there is no p and no gate: the query only.
            assertThat(model.hasOperation(ModelSignature.stepOp(ModelSignature.SESSION_QUERY)))
                    .isTrue();
            assertThat(model.hasOperation(ModelSignature.stepOp(ModelSignature.SESSION_LONG_TERM)))
                    .isFalse();
        }
    }

    @Test
    void aModelWithoutStepSignatureIsScoredWithTheFullTower() {
        Path dnn =
                export(
                        tiny().architecture(SdmConfig.Architecture.YOUTUBE_DNN)
                                .maxSessionLength(8)
                                .build(),
                        "dnn");
        List<ModelInput> stream = interleave(randomSessions(9, 4), new Random(9)).subList(0, 30);
        try (IncrementalSdmScorer scorer = incremental(dnn, 1 << 20, 256)) {
            assertThat(scorer.incremental()).isFalse();
            assertSameVectors(scorer.score(stream), fullTower(dnn, stream));
            assertThat(scorer.stats().fullTower()).isEqualTo(30);
        }
    }
}
