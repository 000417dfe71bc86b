package org.sdmstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The β-power updates of {@link OrderedAdam} wait for every variable's step, in the graph and in a
 * run.
 */
class OrderedAdamTest {

    /**
     * Many small independent updates, so a misplaced β-power update would land between two of them.
     */
    private static final int VARIABLES = 200;

    private static final int STEPS = 5;
    private static final float LEARNING_RATE = 0.01f;

    @Test
    void betaPowersAdvanceOnlyAfterEveryApplyAdam() {
        try (Graph g = new Graph()) {
            minimizeSum(g);
            assertPowersAdvanceAfterEveryUpdate(g);
        }
    }

    @Test
    void everyVariableTakesPythonsAdamStepsEvenWithParallelOps() {
        try (Graph g = new Graph()) {
            List<Variable<TFloat32>> weights = minimizeSum(g);
            // Its own pool of several inter-op threads: more schedules for a misplaced β-power
            // update to show in.
            ConfigProto parallel =
                    ConfigProto.newBuilder()
                            .setUsePerSessionThreads(true)
                            .setInterOpParallelismThreads(4)
                            .setIntraOpParallelismThreads(1)
                            .build();
            try (Session s = new Session(g, parallel)) {
                s.initialize();
                s.runner().addTarget(g.operation("train")).run();
                // Adam's bias-corrected first step is the learning rate (read with β¹; β² would
                // give 0.744 of it).
                float[] firstStep = new float[VARIABLES];
                Arrays.fill(firstStep, 1f - LEARNING_RATE);
                assertThat(values(s, weights)).containsExactly(firstStep, within(1e-6f));
                for (int step = 1; step < STEPS; step++) {
                    s.runner().addTarget(g.operation("train")).run();
                }
                // Equal gradients and equal starts: a step that read another β power leaves its
                // weight apart.
                float[] values = values(s, weights);
                assertThat(values).as("weights after %d steps", STEPS).containsOnly(values[0]);
                try (Result r = s.runner().fetch(OrderedAdam.BETA_ONE_POWER).run()) {
                    assertThat(((TFloat32) r.get(0)).getFloat())
                            .isEqualTo(power(Adam.BETA_ONE_DEFAULT, STEPS + 1));
                }
            }
        }
    }

    @Test
    void weightDecayShrinksEveryWeightBeforeItsAdamStep() {
        float weightDecay = 5f;
        try (Graph g = new Graph()) {
            List<Variable<TFloat32>> weights = minimizeSum(g, weightDecay);
            assertPowersAdvanceAfterEveryUpdate(g);
            try (Session s = new Session(g)) {
                s.initialize();
                s.runner().addTarget(g.operation("train")).run();
                // AdamW: θ (1 − ηλ) − η m̂ / (√v̂ + ε), the first Adam step being η.
                float[] expected = new float[VARIABLES];
                Arrays.fill(expected, (1f - LEARNING_RATE * weightDecay) - LEARNING_RATE);
                assertThat(values(s, weights)).containsExactly(expected, within(1e-6f));
            }
        }
    }

    @Test
    void weightDecayIsNeverNegative() {
        try (Graph g = new Graph()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> new OrderedAdam(g, LEARNING_RATE, -0.1f))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("weightDecay");
        }
    }

    private static float[] values(Session s, List<Variable<TFloat32>> weights) {
        Session.Runner runner = s.runner();
        weights.forEach(runner::fetch);
        try (Result r = runner.run()) {
            float[] values = new float[weights.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = ((TFloat32) r.get(i)).getFloat();
            }
            return values;
        }
    }

    /**
     * Checks, in a graph trained with {@link OrderedAdam}, that both β-power updates wait for all
     * ApplyAdam ops.
     */
    static void assertPowersAdvanceAfterEveryUpdate(Graph g) {
        List<GraphOperation> updates = new ArrayList<>();
        List<GraphOperation> powerUpdates = new ArrayList<>();
        g.operations()
                .forEachRemaining(
                        op -> {
                            if (op.type().equals("ApplyAdam")) {
                                updates.add(op);
                            } else if (op.type().equals("Assign")
                                    && isBetaPower(op.input(0).op().name())
                                    && op.input(1).op().type().equals("Mul")) {
                                powerUpdates.add(op);
                            }
                        });
        assertThat(updates).isNotEmpty();
        assertThat(powerUpdates).hasSize(2);
        for (GraphOperation powerUpdate : powerUpdates) {
            Set<String> after =
                    powerUpdate.controlInputs().stream()
                            .map(GraphOperation::name)
                            .collect(Collectors.toSet());
            assertThat(after)
                    .as("control inputs of %s", powerUpdate.name())
                    .containsAll(updates.stream().map(GraphOperation::name).toList());
        }
    }

    private static boolean isBetaPower(String name) {
        return name.equals(OrderedAdam.BETA_ONE_POWER) || name.equals(OrderedAdam.BETA_TWO_POWER);
    }

    /** {@link #VARIABLES} scalars starting at 1 and a train op "train" minimizing their sum. */
    private static List<Variable<TFloat32>> minimizeSum(Graph g) {
        return minimizeSum(g, 0f);
    }

    private static List<Variable<TFloat32>> minimizeSum(Graph g, float weightDecay) {
        Ops tf = Ops.create(g);
        List<Variable<TFloat32>> weights = new ArrayList<>();
        Operand<TFloat32> sum = tf.constant(0f);
        for (int i = 0; i < VARIABLES; i++) {
            Variable<TFloat32> w = tf.withName("w" + i).variable(Shape.scalar(), TFloat32.class);
            tf.withInitScope().assign(w, tf.constant(1f));
            weights.add(w);
            sum = tf.math.add(sum, w);
        }
        Optimizer adam = new OrderedAdam(g, LEARNING_RATE, weightDecay);
        Op train = adam.minimize(sum, "train");
        assertThat(train.op().name()).isEqualTo("train");
        return weights;
    }

    private static float power(float beta, int n) {
        float p = 1f;
        for (int i = 0; i < n; i++) {
            p *= beta;
        }
        return p;
    }
}
