package org.sdmstream.model.graph;

import java.util.Optional;
import org.sdmstream.model.SdmConfig;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The SDM tower's weights beyond the embedding tables: the LSTM, the causal self-attention, the
 * user attention and, with {@code longTerm}, the long-term branch. The full tower creates them
 * once; the step graph computes over the same objects, so both graphs name a weight through this
 * record, not a string.
 */
public record SdmWeights(
        Lstm lstm,
        SelfAttention attention,
        Variable<TFloat32> userAttention,
        Optional<LongTermBranch> longTerm) {

    /**
     * LSTM input weights w [in, 4D], recurrent weights u [D, 4D] and bias b [4D]; gate order as
     * {@link Layers#lstm}.
     */
    public record Lstm(Variable<TFloat32> w, Variable<TFloat32> u, Variable<TFloat32> b) {}

    /** Multi-head self-attention projections, each [D, D]. */
    public record SelfAttention(
            Variable<TFloat32> wq,
            Variable<TFloat32> wk,
            Variable<TFloat32> wv,
            Variable<TFloat32> wo) {}

    /** Creates the weights in a fixed order: the order seeds their initial values. */
    static SdmWeights create(Parameters params, SdmConfig config) {
        int in = config.itemInputDim();
        int d = config.hiddenSize();
        Lstm lstm =
                new Lstm(
                        params.weight(VariableNames.LSTM_W, in, 4L * d),
                        params.weight(VariableNames.LSTM_U, d, 4L * d),
                        params.zeros(VariableNames.LSTM_B, 4L * d));
        SelfAttention attention =
                new SelfAttention(
                        params.weight(VariableNames.ATTENTION_WQ, d, d),
                        params.weight(VariableNames.ATTENTION_WK, d, d),
                        params.weight(VariableNames.ATTENTION_WV, d, d),
                        params.weight(VariableNames.ATTENTION_WO, d, d));
        Variable<TFloat32> userAttention =
                params.weight(VariableNames.USER_ATTENTION_W, config.userEmbeddingDim(), d);
        Optional<LongTermBranch> longTerm =
                config.longTerm()
                        ? Optional.of(LongTermBranch.create(params, config))
                        : Optional.empty();
        return new SdmWeights(lstm, attention, userAttention, longTerm);
    }
}
