package org.sdmstream.model.eval;

import java.util.Collection;
import java.util.List;

/**
 * The top-K ranking metrics of one user's recommendation list against the user's held-out
 * (relevant) items, with binary relevance. With R the relevant set, L_K the first K recommendations
 * and h = |R ∩ L_K|:
 *
 * <ul>
 *   <li>HitRate@K = 1 if h &gt; 0, else 0
 *   <li>Recall@K = h / |R|
 *   <li>Precision@K = h / K (K, not |L_K|: a short list is not rewarded)
 *   <li>F1@K = 2 P R / (P + R), 0 when both are 0
 *   <li>NDCG@K = DCG / IDCG, DCG = Σ_{i=1..K, L_i ∈ R} 1 / log2(i + 1), IDCG = Σ_{i=1..min(|R|, K)}
 *       1 / log2(i + 1)
 * </ul>
 *
 * With one held-out item, Recall@K = HitRate@K, Precision@K = HitRate@K / K and NDCG@K = 1 /
 * log2(rank + 1).
 */
public final class RankingMetrics {

    private RankingMetrics() {}

    /** The five metrics of one ranked list at cut-off {@code k}. */
    public record Values(double hit, double recall, double precision, double f1, double ndcg) {}

    public static Values at(List<String> ranked, Collection<String> relevant, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (relevant.isEmpty()) {
            throw new IllegalArgumentException("a user without relevant items cannot be evaluated");
        }
        int hits = 0;
        double dcg = 0;
        int cut = Math.min(k, ranked.size());
        for (int i = 0; i < cut; i++) {
            if (relevant.contains(ranked.get(i))) {
                hits++;
                dcg += discount(i + 1);
            }
        }
        double idcg = 0;
        for (int i = 1; i <= Math.min(relevant.size(), k); i++) {
            idcg += discount(i);
        }
        double recall = (double) hits / relevant.size();
        double precision = (double) hits / k;
        double f1 = hits == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new Values(hits > 0 ? 1 : 0, recall, precision, f1, dcg / idcg);
    }

    /** 1 / log2(position + 1) for a 1-based position. */
    static double discount(int position) {
        return Math.log(2) / Math.log(position + 1.0);
    }
}
