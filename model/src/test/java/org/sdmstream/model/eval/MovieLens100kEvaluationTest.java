package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.clicklog.ClickLog;
import org.sdmstream.features.clicklog.ClickLogPreset;
import org.sdmstream.features.clicklog.ClickLogSource;
import org.sdmstream.features.testing.TestData;

/**
 * The baselines on the real ml-100k (skipped when the data directory is absent; data is never
 * committed).
 */
class MovieLens100kEvaluationTest {

    private static ClickLog log;
    private static LeaveLastOutSplit split;

    @BeforeAll
    static void readMl100k() {
        Path ml = TestData.movieLens100k();
        log = ClickLogSource.dataset(ml, ClickLogPreset.MOVIELENS).read().requireBadRowsAtMost(0);
        split =
                LeaveLastOutSplit.of(
                        log.clicks(), SessionRules.DEFAULT, LeaveLastOutSplit.Validation.NONE);
    }

    @Test
    void splitHoldsOutOneClickPerUser() {
        assertThat(split.evaluatedUsers()).isEqualTo(943);
        assertThat(split.skippedUsers()).isZero();
        assertThat(split.training().clicks()).hasSize(100_000 - 943);
        Set<String> users = new HashSet<>();
        split.testCases().forEach(c -> users.add(c.userId()));
        assertThat(users).hasSize(943);
        // every input ends before its label in event time
        assertThat(split.testCases()).allSatisfy(c -> assertThat(c.input().session()).isNotEmpty());
    }

    @Test
    void baselinesReachASaneHitRate() {
        Evaluator evaluator = new Evaluator(List.of(20, 50, 100), false, System.out::println);
        EvaluationRun run =
                evaluator.evaluate(
                        "ml-100k",
                        List.of(
                                PopularityRecommender.factory(),
                                ItemCoOccurrenceRecommender.factory(
                                        ItemCoOccurrenceRecommender.Config.DEFAULT)),
                        split,
                        log.clicks().size(),
                        42);
        new EvaluationReport(run).print(System.out);
        for (ModelResult model : run.models()) {
            assertThat(model.at(50).hitRate()).as(model.name() + " HR@50").isGreaterThan(0.05);
            assertThat(model.at(100).hitRate()).isGreaterThanOrEqualTo(model.at(50).hitRate());
            assertThat(model.at(50).users()).isEqualTo(943);
        }
    }
}
