package org.sdmstream.model.graph;

import java.util.ArrayList;
import java.util.List;
import org.sdmstream.model.SdmConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * SDM's long-term branch over its weights: per-feature attention pooling of the history with e_u as
 * query, fused into p = tanh(W [pooled] + b), and the gate that mixes p with the short-term vector
 * s. The full tower and the step graph both compute p and the gate here.
 */
public final class LongTermBranch {

    /** How the bilinear history scores x W e_u are computed: the same value, in two orders. */
    public enum Scoring {
        /**
         * (x W) e_u, as {@link Layers#attentionPool}: the full tower, which training
         * differentiates.
         */
        PROJECT_HISTORY,
        /**
         * x (W e_u), as {@link Layers#attentionPoolByUserQuery}: L·d instead of L·d·U
         * multiply-adds, per click.
         */
        PROJECT_USER
    }

    private final SdmConfig config;

    /** Per feature (item, category, brand, shop): w [d_f, U]. */
    private final List<Variable<TFloat32>> historyAttention;

    private final Variable<TFloat32> w, b, gateW1, gateW2, gateW3, gateB;

    private LongTermBranch(
            SdmConfig config,
            List<Variable<TFloat32>> historyAttention,
            Variable<TFloat32> w,
            Variable<TFloat32> b,
            Variable<TFloat32> gateW1,
            Variable<TFloat32> gateW2,
            Variable<TFloat32> gateW3,
            Variable<TFloat32> gateB) {
        this.config = config;
        this.historyAttention = historyAttention;
        this.w = w;
        this.b = b;
        this.gateW1 = gateW1;
        this.gateW2 = gateW2;
        this.gateW3 = gateW3;
        this.gateB = gateB;
    }

    /** Creates the weights in a fixed order: the order seeds their initial values. */
    static LongTermBranch create(Parameters params, SdmConfig config) {
        int u = config.userEmbeddingDim();
        int d = config.hiddenSize();
        int[] dims = featureDims(config);
        List<Variable<TFloat32>> historyAttention = new ArrayList<>();
        for (int f = 0; f < dims.length; f++) {
            historyAttention.add(params.weight(VariableNames.HISTORY_ATTENTION.get(f), dims[f], u));
        }
        Variable<TFloat32> w = params.weight(VariableNames.LONG_TERM_W, config.itemInputDim(), d);
        Variable<TFloat32> b = params.zeros(VariableNames.LONG_TERM_B, d);
        return new LongTermBranch(
                config,
                List.copyOf(historyAttention),
                w,
                b,
                params.weight(VariableNames.GATE_W1, u, d),
                params.weight(VariableNames.GATE_W2, d, d),
                params.weight(VariableNames.GATE_W3, d, d),
                params.zeros(VariableNames.GATE_B, d));
    }

    /**
     * Embedding sizes of the history features, in the order of {@link
     * VariableNames#HISTORY_ATTENTION}.
     */
    private static int[] featureDims(SdmConfig config) {
        return new int[] {
            config.itemEmbeddingDim(),
            config.categoryEmbeddingDim(),
            config.brandEmbeddingDim(),
            config.shopEmbeddingDim()
        };
    }

    /**
     * p: history [B, L, d_f] per feature (item, category, brand, shop), eu [B, U], mask [B, L] ->
     * [B, D].
     */
    public Operand<TFloat32> vector(
            Layers layers,
            Operand<TFloat32> eu,
            List<Operand<TFloat32>> history,
            Operand<TFloat32> mask,
            Scoring scoring) {
        Ops tf = layers.tf();
        int length = config.maxHistoryLength();
        int[] dims = featureDims(config);
        List<Operand<TFloat32>> pooled = new ArrayList<>();
        for (int f = 0; f < dims.length; f++) {
            pooled.add(
                    scoring == Scoring.PROJECT_HISTORY
                            ? layers.attentionPool(
                                    history.get(f),
                                    eu,
                                    historyAttention.get(f),
                                    mask,
                                    length,
                                    dims[f],
                                    config.userEmbeddingDim())
                            : layers.attentionPoolByUserQuery(
                                    history.get(f),
                                    eu,
                                    historyAttention.get(f),
                                    mask,
                                    length,
                                    dims[f]));
        }
        return tf.math.tanh(
                tf.math.add(tf.linalg.matMul(tf.concat(pooled, tf.constant(-1)), w), b));
    }

    /**
     * The gate of {@link Layers#gate} over this branch's weights: eu [B, U], s [B, T, D], p [B, D]
     * -> [B, T, D].
     */
    public Operand<TFloat32> gate(
            Layers layers,
            Operand<TFloat32> eu,
            Operand<TFloat32> s,
            Operand<TFloat32> p,
            int steps) {
        return layers.gate(eu, s, p, gateW1, gateW2, gateW3, gateB, steps, config.hiddenSize());
    }

    /** The gate's session-fixed part ({@link Layers#gateBias}): eu [B, U], p [B, D] -> [B, D]. */
    public Operand<TFloat32> gateBias(Layers layers, Operand<TFloat32> eu, Operand<TFloat32> p) {
        return layers.gateBias(eu, p, gateW1, gateW3, gateB);
    }

    /**
     * The gate over its session-fixed part ({@link Layers#gateMix}): s [B, T, D], p [B, D], bias
     * [B, D] -> [B, T, D].
     */
    public Operand<TFloat32> gateMix(
            Layers layers,
            Operand<TFloat32> s,
            Operand<TFloat32> p,
            Operand<TFloat32> bias,
            int steps) {
        return layers.gateMix(s, p, bias, gateW2, steps, config.hiddenSize());
    }
}
