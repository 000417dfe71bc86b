package org.sdmstream.model.graph;

import static org.sdmstream.model.ModelSignature.SESSION_GATE;
import static org.sdmstream.model.ModelSignature.SESSION_LONG_TERM;
import static org.sdmstream.model.ModelSignature.SESSION_QUERY;

import java.util.List;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.SdmConfig;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One click of the causal SDM tower, over the SAME variables as an {@link SdmGraph}: from the state
 * carried after click t-1 (LSTM h and c, the self-attention key and value rows of the earlier
 * clicks, and an online-softmax accumulator for the causal user attention) and the new click, it
 * computes the vector after click t and the new state. Because every block of the tower lets
 * position t see positions &lt;= t only, this reproduces the full tower's vector at t (up to float
 * round-off).
 *
 * <p>The values that depend only on the session's fixed inputs (the user-attention query, the
 * long-term vector p and the gate's fixed part) are named ops, {@link
 * ModelSignature#SESSION_VALUES}: the graph computes them from user, profile and history, and a
 * scorer that carries them feeds them back at later clicks, so that TF skips the user embedding and
 * the whole long-term branch (docs/scoring-model.md). The blocks the two graphs share are written
 * once: {@link Layers#lstmCell}, {@link EmbeddingTables} (click features and e_u) and {@link
 * LongTermBranch} (p and the gate). Ops live under the name scope {@code step/}; the signature is
 * {@link ModelSignature#STEP_KEY}.
 */
public final class SdmStepGraph {

    private final SdmGraph tower;
    private final Ops tf;
    private final Layers layers;
    private final Signature.Builder signature = Signature.builder(ModelSignature.STEP_KEY);

    /**
     * @throws IllegalArgumentException for a tower that is not SDM (the YouTube-DNN baseline has no
     *     step)
     */
    public SdmStepGraph(SdmGraph tower) {
        SdmConfig config = tower.config();
        if (config.architecture() != SdmConfig.Architecture.SDM) {
            throw new IllegalArgumentException(
                    "only the SDM architecture has a step graph, not " + config.architecture());
        }
        this.tower = tower;
        this.tf = tower.tf().withSubScope(ModelSignature.STEP_KEY);
        this.layers = new Layers(tf);
        build(config);
    }

    private void build(SdmConfig config) {
        int t = config.maxSessionLength();
        int l = config.maxHistoryLength();
        int d = config.hiddenSize();
        int heads = config.heads();
        int headSize = d / heads;
        int slots = tower.sizes().profileSlots();

        Operand<TInt32> user = intInput(ModelSignature.USER, -1);
        Operand<TInt32> profile = intInput(ModelSignature.PROFILE, -1, slots);
        Operand<TInt32> historyItem = intInput(ModelSignature.HISTORY_ITEM, -1, l);
        Operand<TInt32> historyCategory = intInput(ModelSignature.HISTORY_CATEGORY, -1, l);
        Operand<TInt32> historyBrand = intInput(ModelSignature.HISTORY_BRAND, -1, l);
        Operand<TInt32> historyShop = intInput(ModelSignature.HISTORY_SHOP, -1, l);
        Operand<TInt32> historyLength = intInput(ModelSignature.HISTORY_LENGTH, -1);
        Operand<TInt32> clickItem = intInput(ModelSignature.CLICK_ITEM, -1);
        Operand<TInt32> clickCategory = intInput(ModelSignature.CLICK_CATEGORY, -1);
        Operand<TInt32> clickBrand = intInput(ModelSignature.CLICK_BRAND, -1);
        Operand<TInt32> clickShop = intInput(ModelSignature.CLICK_SHOP, -1);
        Operand<TInt32> position = intInput(ModelSignature.POSITION, -1);
        Operand<TFloat32> h = floatInput(ModelSignature.LSTM_H, -1, d);
        Operand<TFloat32> c = floatInput(ModelSignature.LSTM_C, -1, d);
        Operand<TFloat32> keys = floatInput(ModelSignature.ATTENTION_KEYS, -1, heads, t, headSize);
        Operand<TFloat32> values =
                floatInput(ModelSignature.ATTENTION_VALUES, -1, heads, t, headSize);
        Operand<TFloat32> poolMax = floatInput(ModelSignature.POOL_MAX, -1);
        Operand<TFloat32> poolSum = floatInput(ModelSignature.POOL_SUM, -1);
        Operand<TFloat32> poolAcc = floatInput(ModelSignature.POOL_ACC, -1, d);

        EmbeddingTables tables = tower.tables();
        SdmWeights weights = tower.sdmWeights();
        Operand<TFloat32> eu = tables.userEmbedding(layers, user, profile);
        Operand<TBool> first = tf.math.equal(position, tf.constant(0));
        // Position 0 starts from zero LSTM state whatever the caller passed.
        Operand<TFloat32> alive =
                tf.expandDims(
                        tf.dtypes.cast(tf.math.logicalNot(first), TFloat32.class), tf.constant(1));

        Operand<TFloat32> x =
                tf.concat(
                        tables.features(layers, clickItem, clickCategory, clickBrand, clickShop),
                        tf.constant(-1));
        Operand<TFloat32> xw =
                tf.math.add(tf.linalg.matMul(x, weights.lstm().w()), weights.lstm().b());
        Layers.LstmState next =
                layers.lstmCell(
                        xw, tf.math.mul(h, alive), tf.math.mul(c, alive), weights.lstm().u());
        Operand<TFloat32> hNew = next.h();
        Operand<TFloat32> cNew = next.c();

        // Self-attention of the new query over the earlier rows (j < position) and its own row.
        SdmWeights.SelfAttention attention = weights.attention();
        Operand<TInt32> headShape = tf.constant(new int[] {-1, heads, 1, headSize});
        Operand<TFloat32> q = tf.reshape(tf.linalg.matMul(hNew, attention.wq()), headShape);
        Operand<TFloat32> kNew = tf.linalg.matMul(hNew, attention.wk()); // [B, D]
        Operand<TFloat32> vNew = tf.linalg.matMul(hNew, attention.wv());
        Operand<TFloat32> k4 = tf.reshape(kNew, headShape);
        Operand<TFloat32> v4 = tf.reshape(vNew, headShape);
        Operand<TFloat32> scale = tf.constant((float) (1.0 / Math.sqrt(headSize)));
        Operand<TInt32> slots2 =
                tf.reshape(
                        tf.range(tf.constant(0), tf.constant(t), tf.constant(1)),
                        tf.constant(new int[] {1, t}));
        Operand<TFloat32> earlier =
                tf.dtypes.cast(
                        tf.math.less(slots2, tf.expandDims(position, tf.constant(1))),
                        TFloat32.class); // [B, T]
        Operand<TFloat32> oldScores =
                tf.math.add(
                        tf.math.mul(
                                tf.train.batchMatMul(
                                        q, keys, TFloat32.class, BatchMatMul.adjY(true)),
                                scale),
                        tf.reshape(
                                layers.keyBias(earlier),
                                tf.constant(new int[] {-1, 1, 1, t}))); // [B, H, 1, T]
        Operand<TFloat32> ownScore =
                tf.math.mul(
                        tf.reduceSum(tf.math.mul(q, k4), tf.constant(3), ReduceSum.keepDims(true)),
                        scale); // [B, H, 1, 1]
        Operand<TFloat32> attentionWeights =
                tf.nn.softmax(tf.concat(List.of(oldScores, ownScore), tf.constant(3)));
        List<Output<TFloat32>> parts =
                tf.splitV(attentionWeights, tf.constant(new int[] {t, 1}), tf.constant(3), 2L)
                        .output();
        Operand<TFloat32> context =
                tf.reshape(
                        tf.math.add(
                                tf.train.batchMatMul(parts.get(0), values, TFloat32.class),
                                tf.math.mul(parts.get(1), v4)),
                        tf.constant(new int[] {-1, d}));
        Operand<TFloat32> hHat = tf.math.add(tf.linalg.matMul(context, attention.wo()), hNew);

        // Causal user attention as an online softmax: (m, l, acc) summarise the earlier positions
        // exactly.
        Operand<TFloat32> query =
                sessionValue(SESSION_QUERY, tf.linalg.matMul(eu, weights.userAttention()));
        Operand<TFloat32> e = tf.reduceSum(tf.math.mul(hHat, query), tf.constant(1)); // [B]
        Operand<TFloat32> mNew = tf.select(first, e, tf.math.maximum(poolMax, e));
        Operand<TFloat32> alpha =
                tf.select(first, tf.zerosLike(e), tf.math.exp(tf.math.sub(poolMax, mNew)));
        Operand<TFloat32> beta = tf.math.exp(tf.math.sub(e, mNew));
        Operand<TFloat32> lNew = tf.math.add(tf.math.mul(poolSum, alpha), beta);
        Operand<TFloat32> accNew =
                tf.math.add(
                        tf.math.mul(poolAcc, tf.expandDims(alpha, tf.constant(1))),
                        tf.math.mul(hHat, tf.expandDims(beta, tf.constant(1))));
        Operand<TFloat32> s = tf.math.div(accNew, tf.expandDims(lNew, tf.constant(1)));

        Operand<TFloat32> fused = s;
        if (weights.longTerm().isPresent()) {
            LongTermBranch longTerm = weights.longTerm().get();
            // Recomputed from the history at every step (see the class comment), scored user-query
            // first.
            Operand<TFloat32> p =
                    sessionValue(
                            SESSION_LONG_TERM,
                            longTerm.vector(
                                    layers,
                                    eu,
                                    tables.features(
                                            layers,
                                            historyItem,
                                            historyCategory,
                                            historyBrand,
                                            historyShop),
                                    layers.sequenceMask(historyLength, l),
                                    LongTermBranch.Scoring.PROJECT_USER));
            Operand<TFloat32> gateBias =
                    sessionValue(SESSION_GATE, longTerm.gateBias(layers, eu, p));
            Operand<TFloat32> gated =
                    longTerm.gateMix(
                            layers,
                            tf.reshape(s, tf.constant(new int[] {-1, 1, d})),
                            p,
                            gateBias,
                            1);
            fused = tf.reshape(gated, tf.constant(new int[] {-1, d}));
        }
        Operand<TInt32> rowShape = tf.constant(new int[] {-1, heads, headSize});
        signature
                .output(
                        ModelSignature.USER_VECTOR,
                        tf.withName("user_vector").identity(layers.l2Normalize(fused)))
                .output(ModelSignature.NEXT_LSTM_H, tf.withName("next_lstm_h").identity(hNew))
                .output(ModelSignature.NEXT_LSTM_C, tf.withName("next_lstm_c").identity(cNew))
                .output(ModelSignature.KEY_ROW, tf.withName("key_row").reshape(kNew, rowShape))
                .output(ModelSignature.VALUE_ROW, tf.withName("value_row").reshape(vNew, rowShape))
                .output(ModelSignature.NEXT_POOL_MAX, tf.withName("next_pool_max").identity(mNew))
                .output(ModelSignature.NEXT_POOL_SUM, tf.withName("next_pool_sum").identity(lNew))
                .output(
                        ModelSignature.NEXT_POOL_ACC,
                        tf.withName("next_pool_acc").identity(accNew));
    }

    /**
     * A value that depends only on the session's fixed inputs (user, profile, history), as one
     * named op ({@link ModelSignature#SESSION_VALUES}) every later use reads: a scorer fetches it
     * once per session and feeds it back, and TF then skips the ops it is computed from (the user
     * embedding, the whole long-term branch).
     */
    private Operand<TFloat32> sessionValue(String opName, Operand<TFloat32> value) {
        return tf.withName(opName).identity(value);
    }

    private Operand<TInt32> intInput(String name, long... shape) {
        Placeholder<TInt32> p =
                tf.withName(name).placeholder(TInt32.class, Placeholder.shape(Shape.of(shape)));
        signature.input(name, p);
        return p;
    }

    private Operand<TFloat32> floatInput(String name, long... shape) {
        Placeholder<TFloat32> p =
                tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
        signature.input(name, p);
        return p;
    }

    /** The step signature, {@link ModelSignature#STEP_KEY}, over this graph's placeholders. */
    public Signature signature() {
        return signature.build();
    }
}
