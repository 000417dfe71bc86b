package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sdmstream.model.eval.Clicks.click;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.SessionRules;
import org.sdmstream.model.UserVectorModel;

class EmbeddingRecommenderTest {

    /**
     * Items x, y, z as one-hot vectors; the user vector is the one-hot of the successor of the
     * user's last click in the cycle x -> y -> z -> x, so a user who follows the cycle is always
     * predicted right.
     */
    static final class CycleModel implements UserVectorModel {
        private static final List<String> ITEMS = List.of("x", "y", "z");
        int batches;
        boolean closed;

        @Override
        public String name() {
            return "cycle";
        }

        @Override
        public float[][] userVectors(List<ModelInput> inputs) {
            batches++;
            float[][] out = new float[inputs.size()][3];
            for (int i = 0; i < inputs.size(); i++) {
                int last = ITEMS.indexOf(inputs.get(i).lastClick().itemId());
                if (last >= 0) {
                    out[i][(last + 1) % 3] = 1f;
                    out[i][last] = 0.5f; // the clicked item itself comes second
                }
            }
            return out;
        }

        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public List<String> itemIds() {
            return ITEMS;
        }

        @Override
        public float[][] itemEmbeddings() {
            return new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static ModelInput lastClicked(String item) {
        return new ModelInput(
                "u", "u@0", List.of(Behavior.ofItem(item, 0)), List.of(), Map.of(), 0);
    }

    @Test
    void ranksByInnerProductAndHonoursExclusions() {
        try (EmbeddingRecommender r = new EmbeddingRecommender("cycle", new CycleModel())) {
            assertThat(r.recommend(lastClicked("x"), 3)).containsExactly("y", "x", "z");
            assertThat(r.recommend(lastClicked("z"), 2)).containsExactly("x", "z");
            assertThat(r.recommend(lastClicked("x"), 3, Set.of("y"))).containsExactly("x", "z");
        }
    }

    @Test
    void batchesUserVectorCallsAndClosesTheModel() {
        CycleModel model = new CycleModel();
        List<ModelInput> inputs = new ArrayList<>();
        List<Set<String>> excluded = new ArrayList<>();
        for (int i = 0; i < EmbeddingRecommender.BATCH + 10; i++) {
            inputs.add(lastClicked(i % 2 == 0 ? "y" : "z"));
            excluded.add(Set.of());
        }
        try (EmbeddingRecommender r = new EmbeddingRecommender("cycle", model)) {
            List<List<String>> top = r.recommendAll(inputs, excluded, 1);
            assertThat(top).hasSize(inputs.size());
            assertThat(top.get(0)).containsExactly("z");
            assertThat(top.get(EmbeddingRecommender.BATCH + 9)).containsExactly("x");
        }
        assertThat(model.batches).isEqualTo(2);
        assertThat(model.closed).isTrue();
    }

    @Test
    void harnessTrainsThroughTheFactoryAndAveragesOverUsers() {
        // u1 and u2 follow the cycle (last click predicted at rank 1); u3 breaks it (its item is at
        // rank 3)
        List<Click> log =
                List.of(
                        click("u1", "x", 0),
                        click("u1", "y", 1),
                        click("u2", "y", 0),
                        click("u2", "z", 1),
                        click("u2", "x", 2),
                        click("u3", "x", 0),
                        click("u3", "z", 1));
        LeaveLastOutSplit split =
                LeaveLastOutSplit.of(log, SessionRules.DEFAULT, LeaveLastOutSplit.Validation.NONE);
        List<Long> seeds = new ArrayList<>();
        List<CycleModel> trained = new ArrayList<>();
        ModelFactory factory =
                new ModelFactory() {
                    @Override
                    public String name() {
                        return "cycle";
                    }

                    @Override
                    public UserVectorModel train(TrainingSplit training, long seed) {
                        assertThat(training.clicks()).hasSize(4);
                        seeds.add(seed);
                        CycleModel m = new CycleModel();
                        trained.add(m);
                        return m;
                    }
                };
        Evaluator evaluator = new Evaluator(List.of(2, 1, 3), false, line -> {});
        EvaluationRun run =
                evaluator.evaluate(
                        "hand-made",
                        List.of(RecommenderFactory.of(factory)),
                        split,
                        log.size(),
                        42);

        assertThat(seeds).containsExactly(42L);
        assertThat(trained.get(0).closed).isTrue();
        assertThat(run.ks()).containsExactly(1, 2, 3);
        ModelResult result = run.models().get(0);
        assertThat(result.name()).isEqualTo("cycle");
        assertThat(result.at(1).hitRate()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(result.at(2).hitRate()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(result.at(3).hitRate()).isCloseTo(1.0, within(1e-9));
        // NDCG@3: ranks 1, 1, 3
        assertThat(result.at(3).ndcg()).isCloseTo((1 + 1 + 0.5) / 3, within(1e-9));
        assertThat(result.at(3).precision()).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(run.evaluatedUsers()).isEqualTo(3);
        assertThat(run.trainingClicks()).isEqualTo(4);

        // excluding seen items moves u3's answer up: its seen x drops out, leaving z, y
        Evaluator excluding = new Evaluator(List.of(1), true, line -> {});
        ModelResult ex = excluding.evaluate(RecommenderFactory.of(factory), split, 1);
        assertThat(ex.at(1).hitRate()).isCloseTo(2.0 / 3, within(1e-9));
        Evaluator excludingAt2 = new Evaluator(List.of(2), true, line -> {});
        assertThat(excludingAt2.evaluate(RecommenderFactory.of(factory), split, 1).at(2).hitRate())
                .isCloseTo(1.0, within(1e-9));
    }
}
