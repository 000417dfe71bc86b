package org.sdmstream.model.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.sdmstream.features.ModelInput;

/**
 * The evaluation harness: builds each recommender from the training part of a split, asks it for
 * the top max(K) items of every test user (all in one batch, so embedding models can share a matrix
 * multiply), and averages the ranking metrics at every K. Every model sees the same split, the same
 * exclusions and the same cut-offs.
 */
public final class Evaluator {

    private final List<Integer> ks;
    private final boolean excludeSeen;
    private final Consumer<String> log;

    /**
     * @param ks the cut-offs, each >= 1
     * @param excludeSeen whether items the user clicked before the held-out one are removed from
     *     rankings
     * @param log progress lines (model trained, model evaluated)
     */
    public Evaluator(List<Integer> ks, boolean excludeSeen, Consumer<String> log) {
        if (ks.isEmpty() || ks.stream().anyMatch(k -> k < 1)) {
            throw new IllegalArgumentException("cut-offs must be >= 1, got " + ks);
        }
        this.ks = List.copyOf(new TreeSet<>(ks));
        this.excludeSeen = excludeSeen;
        this.log = log;
    }

    public List<Integer> ks() {
        return ks;
    }

    /** Builds, evaluates and closes each model in turn. */
    public EvaluationRun evaluate(
            String dataset,
            List<RecommenderFactory> factories,
            LeaveLastOutSplit split,
            int clicks,
            long seed) {
        List<ModelResult> results = new ArrayList<>();
        for (RecommenderFactory factory : factories) {
            results.add(evaluate(factory, split, seed));
        }
        return new EvaluationRun(
                dataset,
                clicks,
                split.training().clicks().size(),
                split.evaluatedUsers(),
                split.skippedUsers(),
                ks,
                excludeSeen,
                seed,
                results);
    }

    public ModelResult evaluate(RecommenderFactory factory, LeaveLastOutSplit split, long seed) {
        long start = System.nanoTime();
        log.accept(
                "training "
                        + factory.name()
                        + " on "
                        + split.training().clicks().size()
                        + " clicks");
        try (Recommender recommender = factory.build(split.training(), seed)) {
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            List<EvaluationCase> validation = split.training().validation();
            if (!validation.isEmpty()) {
                // Tuning reads these lines, never the test metrics: the carve-out is the only fair
                // target. Both protocols, so that one training run answers for both.
                for (boolean excluding : new boolean[] {false, true}) {
                    for (MetricsAtK m : score(recommender, validation, excluding)) {
                        log.accept(
                                String.format(
                                        "%s: validation HR@%d %.4f NDCG@%d %.4f (%d cases, seen"
                                                + " items %s)",
                                        factory.name(),
                                        m.k(),
                                        m.hitRate(),
                                        m.k(),
                                        m.ndcg(),
                                        m.users(),
                                        excluding ? "excluded" : "included"));
                    }
                }
            }
            long evalStart = System.nanoTime();
            List<MetricsAtK> metrics = score(recommender, split.testCases());
            double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
            log.accept(
                    String.format(
                            "%s: trained in %.1f s, ranked %d users in %.1f s",
                            factory.name(), trainSeconds, split.evaluatedUsers(), evalSeconds));
            return new ModelResult(factory.name(), metrics, trainSeconds, evalSeconds);
        }
    }

    /**
     * The mean metrics of {@code recommender} on {@code cases} at every K (also usable on
     * validation cases).
     */
    public List<MetricsAtK> score(Recommender recommender, List<EvaluationCase> cases) {
        return score(recommender, cases, excludeSeen);
    }

    private List<MetricsAtK> score(
            Recommender recommender, List<EvaluationCase> cases, boolean excludeSeen) {
        int maxK = ks.get(ks.size() - 1);
        List<ModelInput> inputs = new ArrayList<>(cases.size());
        List<Set<String>> excluded = new ArrayList<>(cases.size());
        for (EvaluationCase c : cases) {
            inputs.add(c.input());
            excluded.add(excludeSeen ? c.seenItems() : Set.of());
        }
        List<List<String>> rankings = recommender.recommendAll(inputs, excluded, maxK);
        List<MetricsAtK.Accumulator> sums = new ArrayList<>();
        ks.forEach(k -> sums.add(new MetricsAtK.Accumulator(k)));
        for (int u = 0; u < cases.size(); u++) {
            List<String> ranking = rankings.get(u);
            Set<String> relevant = Set.copyOf(cases.get(u).heldOutItems());
            for (int i = 0; i < ks.size(); i++) {
                sums.get(i).add(RankingMetrics.at(ranking, relevant, ks.get(i)));
            }
        }
        return sums.stream().map(MetricsAtK.Accumulator::mean).toList();
    }
}
