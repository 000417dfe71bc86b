package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sdmstream.model.eval.Clicks.click;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;

class BaselinesTest {

    // u1: a b c, u2: a b, u3: c d (in event time; the log interleaves users)
    private final List<Click> log =
            List.of(
                    click("u1", "a", 0),
                    click("u2", "a", 0),
                    click("u3", "c", 0),
                    click("u1", "b", 1),
                    click("u2", "b", 1),
                    click("u3", "d", 1),
                    click("u1", "c", 2));

    private static ModelInput inputOf(String... items) {
        List<Behavior> session =
                java.util.Arrays.stream(items).map(i -> Behavior.ofItem(i, 0)).toList();
        return new ModelInput("u", "u@0", session, List.of(), Map.of(), 0);
    }

    @Test
    void popularityRanksByTrainingClicksThenFirstAppearance() {
        PopularityRecommender popular = new PopularityRecommender(log);
        // a, b, c clicked twice (first seen in the log in the order a, c, b), d once
        assertThat(popular.ranking()).containsExactly("a", "c", "b", "d");
        assertThat(popular.recommend(inputOf("d"), 2)).containsExactly("a", "c");
        assertThat(popular.recommend(inputOf("d"), 3, Set.of("c"))).containsExactly("a", "b", "d");
        assertThat(popular.recommend(inputOf("d"), 10)).hasSize(4);
    }

    @Test
    void coOccurrenceIsCountedWithinTheWindowAndNormalisedByPopularity() {
        var adjacent =
                new ItemCoOccurrenceRecommender(
                        log, new ItemCoOccurrenceRecommender.Config(1, 10, 20));
        // pairs: (a,b) twice, (b,c) once, (c,d) once; popularity a2 b2 c2 d1
        assertThat(adjacent.neighboursOf("a")).containsExactly(Map.entry("b", 1.0f));
        assertThat(adjacent.neighboursOf("b"))
                .containsExactly(Map.entry("a", 1.0f), Map.entry("c", 0.5f));
        assertThat(adjacent.neighboursOf("d")).hasSize(1);
        assertThat(adjacent.neighboursOf("d").get(0).getValue())
                .isCloseTo((float) (1 / Math.sqrt(2)), within(1e-6f));

        var wider =
                new ItemCoOccurrenceRecommender(
                        log, new ItemCoOccurrenceRecommender.Config(2, 10, 20));
        // u1's a and c are two positions apart
        assertThat(wider.neighboursOf("a"))
                .containsExactly(Map.entry("b", 1.0f), Map.entry("c", 0.5f));
    }

    @Test
    void coOccurrenceScoresSumOverTheRecentItemsAndFillUpWithPopularity() {
        var cf =
                new ItemCoOccurrenceRecommender(
                        log, new ItemCoOccurrenceRecommender.Config(1, 10, 20));
        // from b: a 1.0, c 0.5; from d: c 0.707 -> c 1.207, a 1.0; then popularity (a c b d) fills
        // b, d
        assertThat(cf.recommend(inputOf("b", "d"), 4)).containsExactly("c", "a", "b", "d");
        assertThat(cf.recommend(inputOf("b", "d"), 3, Set.of("a"))).containsExactly("c", "b", "d");
        // only a's neighbour b scores; the list is filled with popular items not yet in it
        assertThat(cf.recommend(inputOf("a"), 3)).containsExactly("b", "a", "c");
        // unknown items contribute nothing
        assertThat(cf.recommend(inputOf("zzz"), 2)).containsExactly("a", "c");
        // the scratch state is reset between users
        assertThat(cf.recommend(inputOf("b", "d"), 4)).containsExactly("c", "a", "b", "d");
    }

    @Test
    void coOccurrenceUsesOnlyTheMostRecentInputItems() {
        var cf =
                new ItemCoOccurrenceRecommender(
                        log, new ItemCoOccurrenceRecommender.Config(1, 10, 1));
        // only d counts: its one neighbour c first
        assertThat(cf.recommend(inputOf("a", "d"), 1)).containsExactly("c");
        var history =
                new ModelInput(
                        "u",
                        "u@0",
                        List.of(Behavior.ofItem("d", 5)),
                        List.of(Behavior.ofItem("a", 1)),
                        Map.of(),
                        5);
        assertThat(cf.recommend(history, 1)).containsExactly("c");
    }
}
