package org.sdmstream.model.eval;

/**
 * The mean of each ranking metric over the evaluated users at one cut-off K (see {@link
 * RankingMetrics} for the per-user definitions; F1 is averaged per user, not computed from the mean
 * precision and recall).
 */
public record MetricsAtK(
        int k, int users, double hitRate, double recall, double precision, double f1, double ndcg) {

    /** Accumulates per-user values into means. */
    static final class Accumulator {
        private final int k;
        private int users;
        private double hit;
        private double recall;
        private double precision;
        private double f1;
        private double ndcg;

        Accumulator(int k) {
            this.k = k;
        }

        void add(RankingMetrics.Values v) {
            users++;
            hit += v.hit();
            recall += v.recall();
            precision += v.precision();
            f1 += v.f1();
            ndcg += v.ndcg();
        }

        MetricsAtK mean() {
            double n = Math.max(users, 1);
            return new MetricsAtK(k, users, hit / n, recall / n, precision / n, f1 / n, ndcg / n);
        }
    }
}
