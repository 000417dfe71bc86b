package org.sdmstream.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.scoring.BatchScorer;

/**
 * Splitting a batch the model throws on, down to the inputs it refuses, with a scorer that refuses
 * chosen users.
 */
class BisectingScorerTest {

    /**
     * Scores input "uN" as the vector {N}; throws on any batch with a refused user; counts its
     * calls.
     */
    static class FakeModel implements BatchScorer {
        final Set<String> refused;
        final List<Integer> callSizes = new ArrayList<>();

        FakeModel(Set<String> refused) {
            this.refused = refused;
        }

        @Override
        public float[][] score(List<ModelInput> inputs) {
            callSizes.add(inputs.size());
            float[][] out = new float[inputs.size()][];
            for (int i = 0; i < inputs.size(); i++) {
                String user = inputs.get(i).userId();
                if (refused.contains(user)) {
                    throw new IllegalArgumentException("cannot take " + user);
                }
                out[i] = new float[] {Integer.parseInt(user.substring(1))};
            }
            return out;
        }

        @Override
        public String modelVersion() {
            return "fake";
        }

        @Override
        public int dimension() {
            return 1;
        }

        @Override
        public void close() {}
    }

    static List<ModelInput> inputs(int n) {
        List<ModelInput> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Behavior click = new Behavior("item", null, null, null, i);
            out.add(new ModelInput("u" + i, "s" + i, List.of(click), List.of(), Map.of(), i));
        }
        return out;
    }

    @Test
    void aBatchTheModelTakesIsScoredInOneCall() {
        FakeModel model = new FakeModel(Set.of());
        BisectingScorer.Outcome out = BisectingScorer.score(model, inputs(8));
        assertThat(model.callSizes).containsExactly(8);
        assertThat(out.refused()).isZero();
        assertThat(out.scored()).isEqualTo(8);
        for (int i = 0; i < 8; i++) {
            assertThat(out.vectors()[i]).containsExactly(i);
        }
        assertThat(out.firstRefusal()).isNull();
    }

    @Test
    void theRefusedInputsAreFoundAndEveryOtherInputIsScoredInPlace() {
        FakeModel model = new FakeModel(Set.of("u3", "u12"));
        BisectingScorer.Outcome out = BisectingScorer.score(model, inputs(16));
        assertThat(out.refused()).isEqualTo(2);
        assertThat(out.scored()).isEqualTo(14);
        for (int i = 0; i < 16; i++) {
            if (i == 3 || i == 12) {
                assertThat(out.isRefused(i)).as("input %d", i).isTrue();
                assertThat(out.refusals()[i]).hasMessage("cannot take u" + i);
            } else {
                assertThat(out.isRefused(i)).as("input %d", i).isFalse();
                assertThat(out.vectors()[i]).as("input %d", i).containsExactly(i);
                assertThat(out.refusals()[i]).isNull();
            }
        }
        assertThat(out.firstRefusal()).hasMessage("cannot take u3");
        // Halves down to each refused input: a failing call and its sibling per level, 15 calls for
        // 2 in 16.
        assertThat(model.callSizes).containsExactly(16, 8, 4, 2, 2, 1, 1, 4, 8, 4, 4, 2, 1, 1, 2);
    }

    @Test
    void aModelThatRefusesEveryInputRefusesEachAlone() {
        FakeModel model = new FakeModel(Set.of("u0", "u1", "u2"));
        BisectingScorer.Outcome out = BisectingScorer.score(model, inputs(3));
        assertThat(out.refused()).isEqualTo(3);
        assertThat(out.scored()).isZero();
        assertThat(model.callSizes).containsExactly(3, 1, 2, 1, 1);
    }

    @Test
    void anEmptyBatchCallsNothing() {
        FakeModel model = new FakeModel(Set.of());
        assertThat(BisectingScorer.score(model, List.of()).vectors()).isEmpty();
        assertThat(model.callSizes).isEmpty();
    }

    @Test
    void aScorerThatMiscountsIsAnErrorNotARefusal() {
        BatchScorer miscounting =
                new FakeModel(Set.of()) {
                    @Override
                    public float[][] score(List<ModelInput> inputs) {
                        return new float[inputs.size() + 1][];
                    }
                };
        assertThatThrownBy(() -> BisectingScorer.score(miscounting, inputs(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("3 vectors for 2 inputs");
    }

    @Test
    void aHundredRefusalsInARowFromThreeUsersMarkTheModelBroken() {
        RefusalRun run = new RefusalRun();
        for (int i = 0; i < 500; i++) {
            assertThat(run.refused(i % 2 == 0 ? "a" : "b"))
                    .as("two users' inputs, however many")
                    .isFalse();
        }
        run.scored();
        assertThat(run.inputs()).as("a scored input starts the run over").isZero();
        for (int i = 1; i < RefusalRun.BROKEN_MODEL_INPUTS; i++) {
            assertThat(run.refused("user-" + i % 3)).as("refusal %d", i).isFalse();
        }
        assertThat(run.refused("user-0")).isTrue();
    }
}
