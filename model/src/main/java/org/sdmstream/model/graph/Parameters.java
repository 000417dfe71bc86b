package org.sdmstream.model.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.TruncatedNormal;
import org.tensorflow.types.TFloat32;

/**
 * Creates the model's trainable variables with seeded initialisers, so two graphs built from the
 * same config start from the same weights and a checkpoint restores into either by variable name.
 */
public final class Parameters {

    private final Ops tf;
    private final long seed;
    private long nextStream = 1;
    private final List<Variable<TFloat32>> variables = new ArrayList<>();

    public Parameters(Ops tf, long seed) {
        this.tf = tf;
        this.seed = seed;
    }

    /** A variable drawn from a truncated normal with standard deviation {@code std}. */
    public Variable<TFloat32> normal(String name, float std, long... shape) {
        Ops init = tf.withInitScope();
        Operand<TFloat32> value =
                init.math.mul(
                        init.random.truncatedNormal(
                                init.constant(shape),
                                TFloat32.class,
                                TruncatedNormal.seed(seed),
                                TruncatedNormal.seed2(nextStream++)),
                        init.constant(std));
        return add(tf.withName(name).variable(value));
    }

    /** A weight matrix [in, out] with Glorot-style scale. */
    public Variable<TFloat32> weight(String name, long in, long out) {
        return normal(name, (float) Math.sqrt(2.0 / (in + out)), in, out);
    }

    public Variable<TFloat32> zeros(String name, long... shape) {
        Ops init = tf.withInitScope();
        return add(tf.withName(name).variable(init.zeros(init.constant(shape), TFloat32.class)));
    }

    private Variable<TFloat32> add(Variable<TFloat32> v) {
        variables.add(v);
        return v;
    }

    public List<Variable<TFloat32>> variables() {
        return Collections.unmodifiableList(variables);
    }
}
