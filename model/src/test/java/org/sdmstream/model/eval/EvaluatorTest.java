package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.model.eval.Clicks.click;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.SessionRules;
import org.sdmstream.model.eval.LeaveLastOutSplit.Validation;

class EvaluatorTest {

    /**
     * Tuning reads both protocols from one training run (model/tuning/run.sh), so the validation
     * lines must differ by protocol whatever the evaluator's own protocol is.
     */
    @Test
    void validationIsLoggedForBothProtocolsFromOneTrainingRun() {
        // u1 clicks a again as the second-to-last click: a re-click that only the seen-included
        // protocol can hit. u2 (two clicks) has no validation case.
        LeaveLastOutSplit split =
                LeaveLastOutSplit.of(
                        List.of(
                                click("u1", "a", 0),
                                click("u1", "b", 1),
                                click("u1", "a", 2),
                                click("u1", "c", 3),
                                click("u2", "a", 0),
                                click("u2", "d", 1)),
                        SessionRules.DEFAULT,
                        Validation.SECOND_TO_LAST);

        for (boolean excludeSeen : new boolean[] {false, true}) {
            List<String> lines = new ArrayList<>();
            new Evaluator(List.of(1), excludeSeen, lines::add)
                    .evaluate(PopularityRecommender.factory(), split, 42);

            assertThat(lines.stream().filter(l -> l.contains("validation")))
                    .containsExactly(
                            "popular: validation HR@1 1.0000 NDCG@1 1.0000 (1 cases, seen items"
                                    + " included)",
                            "popular: validation HR@1 0.0000 NDCG@1 0.0000 (1 cases, seen items"
                                    + " excluded)");
        }
    }
}
