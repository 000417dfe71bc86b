package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

    private static final Offset<Double> EPS = within(1e-9);
    private static final double LOG2_3 = Math.log(3) / Math.log(2);

    @Test
    void oneHeldOutItemAtRankThree() {
        RankingMetrics.Values v = RankingMetrics.at(List.of("a", "b", "c", "d"), Set.of("c"), 3);
        assertThat(v.hit()).isEqualTo(1.0);
        assertThat(v.recall()).isEqualTo(1.0);
        assertThat(v.precision()).isCloseTo(1.0 / 3, EPS);
        assertThat(v.f1()).isCloseTo(0.5, EPS); // 2 * (1/3) * 1 / (4/3)
        assertThat(v.ndcg()).isCloseTo(0.5, EPS); // 1 / log2(3 + 1)
    }

    @Test
    void ndcgDependsOnThePositionOfTheHit() {
        List<String> ranked = List.of("a", "b", "c", "d", "e", "f", "g");
        assertThat(RankingMetrics.at(ranked, Set.of("a"), 5).ndcg()).isCloseTo(1.0, EPS);
        assertThat(RankingMetrics.at(ranked, Set.of("b"), 5).ndcg()).isCloseTo(1 / LOG2_3, EPS);
        assertThat(RankingMetrics.at(ranked, Set.of("g"), 7).ndcg())
                .isCloseTo(1 / 3.0, EPS); // log2(8) = 3
    }

    @Test
    void aHitBelowTheCutOffCountsForNothing() {
        RankingMetrics.Values v = RankingMetrics.at(List.of("a", "b", "c", "d"), Set.of("c"), 2);
        assertThat(v).isEqualTo(new RankingMetrics.Values(0, 0, 0, 0, 0));
    }

    @Test
    void severalHeldOutItems() {
        // two of three relevant items in the top 5, at ranks 1 and 3
        RankingMetrics.Values v =
                RankingMetrics.at(List.of("a", "b", "c", "d", "e"), Set.of("a", "c", "x"), 5);
        assertThat(v.hit()).isEqualTo(1.0);
        assertThat(v.recall()).isCloseTo(2.0 / 3, EPS);
        assertThat(v.precision()).isCloseTo(2.0 / 5, EPS);
        assertThat(v.f1()).isCloseTo(2 * (0.4 * 2 / 3) / (0.4 + 2.0 / 3), EPS); // 0.5
        assertThat(v.f1()).isCloseTo(0.5, EPS);
        double dcg = 1 + 0.5;
        double idcg = 1 + 1 / LOG2_3 + 0.5;
        assertThat(v.ndcg()).isCloseTo(dcg / idcg, EPS);
    }

    @Test
    void idealDcgIsCutAtK() {
        // three relevant items but K = 2: a perfect top 2 has NDCG 1 and recall 2/3
        RankingMetrics.Values v =
                RankingMetrics.at(List.of("a", "b", "z"), Set.of("a", "b", "c"), 2);
        assertThat(v.ndcg()).isCloseTo(1.0, EPS);
        assertThat(v.recall()).isCloseTo(2.0 / 3, EPS);
        assertThat(v.precision()).isCloseTo(1.0, EPS);
    }

    @Test
    void precisionDividesByKEvenForShortLists() {
        RankingMetrics.Values v = RankingMetrics.at(List.of("a"), Set.of("a"), 5);
        assertThat(v.precision()).isCloseTo(0.2, EPS);
        assertThat(v.hit()).isEqualTo(1.0);
    }

    @Test
    void meansOverUsers() {
        MetricsAtK.Accumulator acc = new MetricsAtK.Accumulator(2);
        acc.add(RankingMetrics.at(List.of("a", "b"), Set.of("a"), 2));
        acc.add(RankingMetrics.at(List.of("a", "b"), Set.of("b"), 2));
        acc.add(RankingMetrics.at(List.of("a", "b"), Set.of("c"), 2));
        acc.add(RankingMetrics.at(List.of("a", "b"), Set.of("d"), 2));
        MetricsAtK m = acc.mean();
        assertThat(m.users()).isEqualTo(4);
        assertThat(m.hitRate()).isCloseTo(0.5, EPS);
        assertThat(m.recall()).isCloseTo(0.5, EPS);
        assertThat(m.precision()).isCloseTo(0.25, EPS);
        assertThat(m.ndcg()).isCloseTo((1 + 1 / LOG2_3) / 4, EPS);
    }

    @Test
    void rejectsMeaninglessQuestions() {
        assertThatThrownBy(() -> RankingMetrics.at(List.of("a"), Set.of(), 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RankingMetrics.at(List.of("a"), Set.of("a"), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
