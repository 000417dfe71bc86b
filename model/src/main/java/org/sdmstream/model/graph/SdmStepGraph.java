package org.sdmstream.model.graph;

import java.util.ArrayList;
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
 * carried after click t-1 (LSTM h and c, the self-attention key and value rows of the earlier clicks,
 * and an online-softmax accumulator for the causal user attention) and the new click, it computes the
 * vector after click t and the new state. Because every block of the tower lets position t see
 * positions &lt;= t only, this reproduces the full tower's vector at t (up to float round-off).
 *
 * <p>The long-term vector p is recomputed from the history at every step rather than carried: it is a
 * few small matrix products and keeps the carried state smaller (docs/scoring-model.md). Ops live under
 * the name scope {@code step/}; the signature is {@link ModelSignature#STEP_KEY}.
 */
public final class SdmStepGraph {

    /** Same constant as {@link Layers}' masking bias: a masked key gets exactly zero weight. */
    private static final float MASKED = -1e9f;

    private final SdmGraph tower;
    private final Ops tf;
    private final Layers layers;
    private final Signature.Builder signature = Signature.builder(ModelSignature.STEP_KEY);

    /**
     * @throws IllegalArgumentException for a tower that is not SDM (the YouTube-DNN baseline has no step)
     */
    public SdmStepGraph(SdmGraph tower) {
        SdmConfig config = tower.config();
        if (config.architecture() != SdmConfig.Architecture.SDM) {
            throw new IllegalArgumentException("only the SDM architecture has a step graph, not " + config.architecture());
        }
        this.tower = tower;
        this.tf = tower.tf().withSubScope("step");
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
        Operand<TFloat32> values = floatInput(ModelSignature.ATTENTION_VALUES, -1, heads, t, headSize);
        Operand<TFloat32> poolMax = floatInput(ModelSignature.POOL_MAX, -1);
        Operand<TFloat32> poolSum = floatInput(ModelSignature.POOL_SUM, -1);
        Operand<TFloat32> poolAcc = floatInput(ModelSignature.POOL_ACC, -1, d);

        Operand<TFloat32> eu = userEmbedding(user, profile);
        Operand<TBool> first = tf.math.equal(position, tf.constant(0));
        // Position 0 starts from zero LSTM state whatever the caller passed.
        Operand<TFloat32> alive = tf.expandDims(tf.dtypes.cast(tf.math.logicalNot(first), TFloat32.class), tf.constant(1));

        // LSTM cell, gate order and forget bias as Layers.lstm: z = (x W + b) + h U.
        Operand<TFloat32> x = tf.concat(List.of(lookup("item_embedding", clickItem), lookup("category_embedding", clickCategory),
                lookup("brand_embedding", clickBrand), lookup("shop_embedding", clickShop)), tf.constant(-1));
        Operand<TFloat32> z = tf.math.add(
                tf.math.add(tf.linalg.matMul(x, tower.variable("lstm_w")), tower.variable("lstm_b")),
                tf.linalg.matMul(tf.math.mul(h, alive), tower.variable("lstm_u")));
        List<Output<TFloat32>> gates = tf.split(tf.constant(1), z, 4L).output();
        Operand<TFloat32> i = tf.math.sigmoid(gates.get(0));
        Operand<TFloat32> f = tf.math.sigmoid(tf.math.add(gates.get(1), tf.constant(1f)));
        Operand<TFloat32> g = tf.math.tanh(gates.get(2));
        Operand<TFloat32> o = tf.math.sigmoid(gates.get(3));
        Operand<TFloat32> cNew = tf.math.add(tf.math.mul(f, tf.math.mul(c, alive)), tf.math.mul(i, g));
        Operand<TFloat32> hNew = tf.math.mul(o, tf.math.tanh(cNew));

        // Self-attention of the new query over the earlier rows (j < position) and its own row.
        Operand<TInt32> headShape = tf.constant(new int[] {-1, heads, 1, headSize});
        Operand<TFloat32> q = tf.reshape(tf.linalg.matMul(hNew, tower.variable("attention_wq")), headShape);
        Operand<TFloat32> kNew = tf.linalg.matMul(hNew, tower.variable("attention_wk")); // [B, D]
        Operand<TFloat32> vNew = tf.linalg.matMul(hNew, tower.variable("attention_wv"));
        Operand<TFloat32> k4 = tf.reshape(kNew, headShape);
        Operand<TFloat32> v4 = tf.reshape(vNew, headShape);
        Operand<TFloat32> scale = tf.constant((float) (1.0 / Math.sqrt(headSize)));
        Operand<TInt32> slots2 = tf.reshape(tf.range(tf.constant(0), tf.constant(t), tf.constant(1)),
                tf.constant(new int[] {1, t}));
        Operand<TFloat32> earlier = tf.dtypes.cast(tf.math.less(slots2, tf.expandDims(position, tf.constant(1))),
                TFloat32.class); // [B, T]
        Operand<TFloat32> oldScores = tf.math.add(
                tf.math.mul(tf.train.batchMatMul(q, keys, TFloat32.class, BatchMatMul.adjY(true)), scale),
                tf.reshape(layers.keyBias(earlier), tf.constant(new int[] {-1, 1, 1, t}))); // [B, H, 1, T]
        Operand<TFloat32> ownScore = tf.math.mul(
                tf.reduceSum(tf.math.mul(q, k4), tf.constant(3), ReduceSum.keepDims(true)), scale); // [B, H, 1, 1]
        Operand<TFloat32> weights = tf.nn.softmax(tf.concat(List.of(oldScores, ownScore), tf.constant(3)));
        List<Output<TFloat32>> parts = tf.splitV(weights, tf.constant(new int[] {t, 1}), tf.constant(3), 2L).output();
        Operand<TFloat32> context = tf.reshape(tf.math.add(tf.train.batchMatMul(parts.get(0), values, TFloat32.class),
                tf.math.mul(parts.get(1), v4)), tf.constant(new int[] {-1, d}));
        Operand<TFloat32> hHat = tf.math.add(tf.linalg.matMul(context, tower.variable("attention_wo")), hNew);

        // Causal user attention as an online softmax: (m, l, acc) summarise the earlier positions exactly.
        Operand<TFloat32> query = tf.linalg.matMul(eu, tower.variable("user_attention_w"));
        Operand<TFloat32> e = tf.reduceSum(tf.math.mul(hHat, query), tf.constant(1)); // [B]
        Operand<TFloat32> mNew = tf.select(first, e, tf.math.maximum(poolMax, e));
        Operand<TFloat32> alpha = tf.select(first, tf.zerosLike(e), tf.math.exp(tf.math.sub(poolMax, mNew)));
        Operand<TFloat32> beta = tf.math.exp(tf.math.sub(e, mNew));
        Operand<TFloat32> lNew = tf.math.add(tf.math.mul(poolSum, alpha), beta);
        Operand<TFloat32> accNew = tf.math.add(tf.math.mul(poolAcc, tf.expandDims(alpha, tf.constant(1))),
                tf.math.mul(hHat, tf.expandDims(beta, tf.constant(1))));
        Operand<TFloat32> s = tf.math.div(accNew, tf.expandDims(lNew, tf.constant(1)));

        Operand<TFloat32> fused = s;
        if (config.longTerm()) {
            Operand<TFloat32> p = longTerm(config, eu, List.of(historyItem, historyCategory, historyBrand, historyShop),
                    layers.sequenceMask(historyLength, l));
            Operand<TFloat32> gated = layers.gate(eu, tf.reshape(s, tf.constant(new int[] {-1, 1, d})), p,
                    tower.variable("gate_w1"), tower.variable("gate_w2"), tower.variable("gate_w3"),
                    tower.variable("gate_b"), 1, d);
            fused = tf.reshape(gated, tf.constant(new int[] {-1, d}));
        }
        Operand<TInt32> rowShape = tf.constant(new int[] {-1, heads, headSize});
        signature.output(ModelSignature.USER_VECTOR, tf.withName("user_vector").identity(layers.l2Normalize(fused)))
                .output(ModelSignature.NEXT_LSTM_H, tf.withName("next_lstm_h").identity(hNew))
                .output(ModelSignature.NEXT_LSTM_C, tf.withName("next_lstm_c").identity(cNew))
                .output(ModelSignature.KEY_ROW, tf.withName("key_row").reshape(kNew, rowShape))
                .output(ModelSignature.VALUE_ROW, tf.withName("value_row").reshape(vNew, rowShape))
                .output(ModelSignature.NEXT_POOL_MAX, tf.withName("next_pool_max").identity(mNew))
                .output(ModelSignature.NEXT_POOL_SUM, tf.withName("next_pool_sum").identity(lNew))
                .output(ModelSignature.NEXT_POOL_ACC, tf.withName("next_pool_acc").identity(accNew));
    }

    /** e_u as SdmGraph computes it: the user-id embedding plus the embeddings of the profile attributes present. */
    private Operand<TFloat32> userEmbedding(Operand<TInt32> user, Operand<TInt32> profile) {
        Operand<TFloat32> present = tf.dtypes.cast(tf.math.greater(profile, tf.constant(0)), TFloat32.class);
        Operand<TFloat32> attributes = tf.reduceSum(
                tf.math.mul(lookup("profile_embedding", profile), tf.expandDims(present, tf.constant(-1))),
                tf.constant(1));
        return tf.math.add(lookup("user_embedding", user), attributes);
    }

    /** p as SdmGraph computes it: per-feature attention pooling of the history, then tanh(W [z] + b). */
    private Operand<TFloat32> longTerm(SdmConfig config, Operand<TFloat32> eu, List<Operand<TInt32>> history,
            Operand<TFloat32> mask) {
        String[] names = {"item", "category", "brand", "shop"};
        int[] dims = {config.itemEmbeddingDim(), config.categoryEmbeddingDim(), config.brandEmbeddingDim(),
                config.shopEmbeddingDim()};
        List<Operand<TFloat32>> pooled = new ArrayList<>();
        for (int k = 0; k < names.length; k++) {
            pooled.add(attentionPool(lookup(names[k] + "_embedding", history.get(k)), eu,
                    tower.variable("history_attention_" + names[k] + "_w"), mask, config.maxHistoryLength(), dims[k]));
        }
        return tf.math.tanh(tf.math.add(
                tf.linalg.matMul(tf.concat(pooled, tf.constant(-1)), tower.variable("long_term_w")),
                tower.variable("long_term_b")));
    }

    /**
     * {@link Layers#attentionPool} with the bilinear score reassociated: x (W e_u) instead of (x W) e_u, so the
     * per-step cost is L·d instead of L·d·U multiply-adds (same value up to float round-off).
     * x [B, L, d], eu [B, U], w [d, U], mask [B, L] -> [B, d].
     */
    private Operand<TFloat32> attentionPool(Operand<TFloat32> x, Operand<TFloat32> eu, Operand<TFloat32> w,
            Operand<TFloat32> mask, int length, int dim) {
        Operand<TFloat32> query = tf.reshape(tf.linalg.matMul(eu, w, org.tensorflow.op.linalg.MatMul.transposeB(true)),
                tf.constant(new int[] {-1, dim, 1})); // [B, d, 1]
        Operand<TFloat32> scores = tf.reshape(tf.train.batchMatMul(x, query, TFloat32.class), tf.constant(new int[] {-1, length}));
        Operand<TFloat32> weights = tf.math.mul(tf.nn.softmax(tf.math.add(scores, layers.keyBias(mask))), mask);
        return tf.reshape(
                tf.train.batchMatMul(tf.reshape(weights, tf.constant(new int[] {-1, 1, length})), x, TFloat32.class),
                tf.constant(new int[] {-1, dim}));
    }

    private Operand<TFloat32> lookup(String table, Operand<TInt32> ids) {
        return layers.lookup(tower.variable(table), ids);
    }

    private Operand<TInt32> intInput(String name, long... shape) {
        Placeholder<TInt32> p = tf.withName(name).placeholder(TInt32.class, Placeholder.shape(Shape.of(shape)));
        signature.input(name, p);
        return p;
    }

    private Operand<TFloat32> floatInput(String name, long... shape) {
        Placeholder<TFloat32> p = tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
        signature.input(name, p);
        return p;
    }

    /** The step signature, {@link ModelSignature#STEP_KEY}, over this graph's placeholders. */
    public Signature signature() {
        return signature.build();
    }
}
