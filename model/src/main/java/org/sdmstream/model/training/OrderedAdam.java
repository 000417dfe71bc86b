package org.sdmstream.model.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Constant;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyAdam;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * TF Java's {@link Adam} (same variables, slots, defaults and ApplyAdam kernel) with one fix: the
 * {@code beta1_power}/{@code beta2_power} updates run only after every variable's ApplyAdam, as
 * Python TF orders them. TF Java 1.1.0 adds those assigns with no dependency, so each variable's
 * step read βᵗ or βᵗ⁺¹ depending on the executor's schedule and the same seed did not always train
 * the same model.
 *
 * <p>With a weight decay λ > 0 it is AdamW (Loshchilov and Hutter, decoupled weight decay, in
 * PyTorch's convention): every variable first shrinks by the factor 1 − learning rate × λ, then
 * takes its Adam step. The decay is an update, not an L2 term in the loss: the gradient builder of
 * TF Java 1.1.0 crashed natively on an L2 penalty over the tower's weights, and with Adam an L2
 * term is not the same thing anyway (it is rescaled by the second moments).
 */
final class OrderedAdam extends Optimizer {

    static final String BETA_ONE_POWER = "beta1_power";
    static final String BETA_TWO_POWER = "beta2_power";

    private final float learningRate;
    private final float weightDecay;
    private Variable<TFloat32> betaOnePower;
    private Variable<TFloat32> betaTwoPower;
    private Constant<TFloat32> learningRateConst;
    private Constant<TFloat32> epsilonConst;
    private Constant<TFloat32> betaOneConst;
    private Constant<TFloat32> betaTwoConst;

    OrderedAdam(Graph graph, float learningRate) {
        this(graph, learningRate, 0f);
    }

    /**
     * @param weightDecay λ of the decoupled weight decay (0 = plain Adam)
     */
    OrderedAdam(Graph graph, float learningRate, float weightDecay) {
        super(graph);
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    @Override
    public String getOptimizerName() {
        return "Adam"; // the op names of TF Java's Adam, so checkpoints written before this class
        // still restore
    }

    @Override
    protected void createSlots(List<Output<? extends TType>> variables) {
        for (Output<? extends TType> v : variables) {
            createMoments(v.asOutput());
        }
        betaOnePower = power(BETA_ONE_POWER, Adam.BETA_ONE_DEFAULT);
        betaTwoPower = power(BETA_TWO_POWER, Adam.BETA_TWO_DEFAULT);
    }

    private <T extends TType> void createMoments(Output<T> v) {
        createSlot(v, Adam.FIRST_MOMENT, zerosLike(v));
        createSlot(v, Adam.SECOND_MOMENT, zerosLike(v));
    }

    private <T extends TType> Operand<T> zerosLike(Output<T> v) {
        return tf.fill(tf.shape(v), tf.dtypes.cast(tf.constant(0.0f), v.type()));
    }

    private Variable<TFloat32> power(String name, float beta) {
        Variable<TFloat32> power =
                tf.withInitScope().withName(name).variable(Shape.scalar(), TFloat32.class);
        tf.withInitScope().assign(power, tf.constant(beta));
        return power;
    }

    @Override
    protected Optional<Op> prepare(String scopeName) {
        betaOneConst = tf.constant(Adam.BETA_ONE_DEFAULT);
        betaTwoConst = tf.constant(Adam.BETA_TWO_DEFAULT);
        learningRateConst = tf.constant(learningRate);
        epsilonConst = tf.constant(Adam.EPSILON_DEFAULT);
        return Optional.empty();
    }

    @Override
    protected <T extends TType> Op applyDense(Ops deps, Output<T> gradient, Output<T> variable) {
        Variable<T> m = getSlot(variable, Adam.FIRST_MOMENT).get();
        Variable<T> v = getSlot(variable, Adam.SECOND_MOMENT).get();
        Class<T> type = gradient.type();
        if (weightDecay > 0) {
            // θ ← θ (1 − ηλ) before the Adam step, so the decay reads the step's starting value.
            Op decay =
                    deps.assign(
                            variable,
                            deps.math.mul(
                                    variable,
                                    deps.dtypes.cast(
                                            deps.constant(1f - learningRate * weightDecay), type)));
            deps = deps.withControlDependencies(List.of(decay));
        }
        return deps.train.applyAdam(
                variable,
                m,
                v,
                deps.dtypes.cast(betaOnePower, type),
                deps.dtypes.cast(betaTwoPower, type),
                deps.dtypes.cast(learningRateConst, type),
                deps.dtypes.cast(betaOneConst, type),
                deps.dtypes.cast(betaTwoConst, type),
                deps.dtypes.cast(epsilonConst, type),
                gradient,
                ApplyAdam.useLocking(true));
    }

    @Override
    protected Op finish(List<Op> updates, String name) {
        // Python TF's Adam._finish: the powers advance under control_dependencies(update_ops).
        Ops afterUpdates = tf.withControlDependencies(updates);
        List<Op> all = new ArrayList<>(updates);
        all.add(
                afterUpdates.assign(
                        betaOnePower, afterUpdates.math.mul(betaOnePower, betaOneConst)));
        all.add(
                afterUpdates.assign(
                        betaTwoPower, afterUpdates.math.mul(betaTwoPower, betaTwoConst)));
        return super.finish(all, name);
    }
}
