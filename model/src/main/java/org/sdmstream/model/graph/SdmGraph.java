package org.sdmstream.model.graph;

import java.util.ArrayList;
import java.util.List;
import org.sdmstream.features.encoding.FeatureVocabularies;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.SdmConfig;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The user tower in a TF graph: placeholders named after {@link ModelSignature}, the SDM tower (or
 * a baseline, by config), the per-position vectors {@code session_vectors} [B, T, D] and the
 * serving output {@code user_vector} [B, D] (the vector at the newest click), and the output item
 * embedding table {@code output_item_embedding} [items, D] that the training softmax and retrieval
 * share (with {@link SdmConfig#sharedItemTable()} that table is the input {@code item_embedding}
 * itself). Variable names are {@link VariableNames}, so checkpoints restore into any graph built
 * from the same config.
 */
public final class SdmGraph {

    public static final String SESSION_VECTORS = "session_vectors";

    /** Scalar float fed only by training: the embedding dropout rate (default 0 = serving). */
    public static final String DROPOUT_RATE = "dropout_rate";

    /** int32 [2] fed with {@link #DROPOUT_RATE}: the seed of the batch's dropout masks. */
    public static final String DROPOUT_SEED = "dropout_seed";

    /** Number of rows of every embedding table, from the vocabularies. */
    public record Sizes(
            int items,
            int categories,
            int brands,
            int shops,
            int users,
            int profileValues,
            int profileSlots) {
        public static Sizes of(FeatureVocabularies v) {
            return new Sizes(
                    v.items().size(),
                    v.categories().size(),
                    v.brands().size(),
                    v.shops().size(),
                    v.users().size(),
                    v.profileValues().size(),
                    v.profileSlots());
        }
    }

    private final Graph graph;
    private final Ops tf;
    private final Layers layers;
    private final Parameters params;
    private final SdmConfig config;
    private final Sizes sizes;
    private final EmbeddingTables tables;
    private final SdmWeights sdmWeights;

    private final Placeholder<TInt32> sessionItem,
            sessionCategory,
            sessionBrand,
            sessionShop,
            sessionLength;
    private final Placeholder<TInt32> historyItem,
            historyCategory,
            historyBrand,
            historyShop,
            historyLength;
    private final Placeholder<TInt32> user, profile;
    private final Operand<TFloat32> sessionVectors;
    private final Operand<TFloat32> userVector;
    private final Variable<TFloat32> outputItemEmbedding;
    private final Mode mode;
    private Operand<TFloat32> dropoutRate;
    private Operand<TInt32> dropoutSeed;

    /**
     * What the graph is built for: training has the dropout inputs; serving has no training-only op
     * at all.
     */
    public enum Mode {
        TRAINING,
        SERVING
    }

    /** The training graph (with the dropout inputs, default rate 0). */
    public SdmGraph(Graph graph, SdmConfig config, Sizes sizes) {
        this(graph, config, sizes, Mode.TRAINING);
    }

    /**
     * @param mode {@link Mode#SERVING} leaves out dropout, whose random masks would otherwise be
     *     drawn on every call even at rate 0; the variables and the vectors are the same in both
     *     modes
     */
    public SdmGraph(Graph graph, SdmConfig config, Sizes sizes, Mode mode) {
        this.graph = graph;
        this.mode = mode;
        this.tf = Ops.create(graph);
        this.layers = new Layers(tf);
        this.params = new Parameters(tf, config.seed());
        this.config = config;
        this.sizes = sizes;
        int t = config.maxSessionLength();
        int l = config.maxHistoryLength();
        sessionItem = input(ModelSignature.SESSION_ITEM, -1, t);
        sessionCategory = input(ModelSignature.SESSION_CATEGORY, -1, t);
        sessionBrand = input(ModelSignature.SESSION_BRAND, -1, t);
        sessionShop = input(ModelSignature.SESSION_SHOP, -1, t);
        sessionLength = input(ModelSignature.SESSION_LENGTH, -1);
        historyItem = input(ModelSignature.HISTORY_ITEM, -1, l);
        historyCategory = input(ModelSignature.HISTORY_CATEGORY, -1, l);
        historyBrand = input(ModelSignature.HISTORY_BRAND, -1, l);
        historyShop = input(ModelSignature.HISTORY_SHOP, -1, l);
        historyLength = input(ModelSignature.HISTORY_LENGTH, -1);
        user = input(ModelSignature.USER, -1);
        profile = input(ModelSignature.PROFILE, -1, sizes.profileSlots());

        tables = EmbeddingTables.create(params, config, sizes);
        Operand<TFloat32> sessionMask = layers.sequenceMask(sessionLength, t);
        Operand<TFloat32> historyMask = layers.sequenceMask(historyLength, l);
        Operand<TFloat32> eu = tables.userEmbedding(layers, user, profile);
        List<Operand<TFloat32>> sessionFeatures =
                embeddingDropout(
                        tables.features(
                                layers, sessionItem, sessionCategory, sessionBrand, sessionShop),
                        1);
        List<Operand<TFloat32>> historyFeatures =
                embeddingDropout(
                        tables.features(
                                layers, historyItem, historyCategory, historyBrand, historyShop),
                        5);

        Operand<TFloat32> fused;
        if (config.architecture() == SdmConfig.Architecture.SDM) {
            sdmWeights = SdmWeights.create(params, config);
            fused =
                    sdm(
                            tf,
                            layers,
                            t,
                            eu,
                            sessionFeatures,
                            historyFeatures,
                            sessionMask,
                            historyMask);
        } else {
            sdmWeights = null;
            fused = youTubeDnn(eu, sessionFeatures, historyFeatures, sessionMask, historyMask);
        }
        sessionVectors = tf.withName(SESSION_VECTORS).identity(layers.l2Normalize(fused));
        userVector =
                tf.withName(ModelSignature.USER_VECTOR)
                        .identity(layers.lastPosition(sessionVectors, sessionLength, t));
        // Shared: the softmax and retrieval score against the input item table itself (tied
        // embeddings), so every label also trains the embedding the tower reads for that item.
        outputItemEmbedding =
                config.sharedItemTable()
                        ? tables.item()
                        : params.normal(
                                VariableNames.OUTPUT_ITEM_EMBEDDING,
                                EmbeddingTables.STD,
                                sizes.items(),
                                config.hiddenSize());
        if (mode == Mode.SERVING && sdmWeights != null) {
            for (int width : ModelSignature.PREFIX_WIDTHS) {
                if (width < t) {
                    narrowTower(width);
                }
            }
        }
    }

    /**
     * The same SDM over {@code width} session positions instead of T, for short bursts ({@link
     * ModelSignature#PREFIX_WIDTHS}): its own session placeholders, the full tower's user, profile,
     * history and session length, and its vectors and prefix state under {@link
     * ModelSignature#prefixTowerScope}.
     */
    private void narrowTower(int width) {
        Ops scoped = tf.withSubScope(ModelSignature.prefixTowerScope(width));
        Layers narrow = new Layers(scoped);
        Operand<TInt32> item = narrowInput(scoped, ModelSignature.SESSION_ITEM, width);
        Operand<TInt32> category = narrowInput(scoped, ModelSignature.SESSION_CATEGORY, width);
        Operand<TInt32> brand = narrowInput(scoped, ModelSignature.SESSION_BRAND, width);
        Operand<TInt32> shop = narrowInput(scoped, ModelSignature.SESSION_SHOP, width);
        Operand<TFloat32> fused =
                sdm(
                        scoped,
                        narrow,
                        width,
                        tables.userEmbedding(narrow, user, profile),
                        tables.features(narrow, item, category, brand, shop),
                        tables.features(
                                narrow, historyItem, historyCategory, historyBrand, historyShop),
                        narrow.sequenceMask(sessionLength, width),
                        narrow.sequenceMask(historyLength, config.maxHistoryLength()));
        scoped.withName(SESSION_VECTORS).identity(narrow.l2Normalize(fused));
    }

    private static Placeholder<TInt32> narrowInput(Ops scoped, String name, int width) {
        return scoped.withName(name)
                .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, width)));
    }

    /**
     * Dropout on the looked-up input embeddings while training (the trainer feeds {@link
     * #DROPOUT_RATE}); serving never feeds it, so the rate is 0 and the tower is unchanged.
     */
    private List<Operand<TFloat32>> embeddingDropout(
            List<Operand<TFloat32>> features, long firstStream) {
        if (mode == Mode.SERVING) {
            return features;
        }
        if (dropoutRate == null) {
            dropoutRate =
                    tf.withName(DROPOUT_RATE)
                            .placeholderWithDefault(tf.constant(0f), Shape.scalar());
            dropoutSeed =
                    tf.withName(DROPOUT_SEED)
                            .placeholderWithDefault(tf.constant(new int[] {0, 0}), Shape.of(2));
        }
        List<Operand<TFloat32>> out = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            // Each feature gets its own mask stream: the batch seed with a per-feature second word.
            Operand<TInt32> seed =
                    tf.math.add(dropoutSeed, tf.constant(new int[] {0, (int) firstStream + i}));
            out.add(layers.dropout(features.get(i), dropoutRate, seed));
        }
        return out;
    }

    private Placeholder<TInt32> input(String name, long... shape) {
        return tf.withName(name).placeholder(TInt32.class, Placeholder.shape(Shape.of(shape)));
    }

    /**
     * The SDM tower over {@code t} session positions, its ops in {@code tf}'s scope (prefix state
     * too, when serving).
     */
    private Operand<TFloat32> sdm(
            Ops tf,
            Layers layers,
            int t,
            Operand<TFloat32> eu,
            List<Operand<TFloat32>> sessionFeatures,
            List<Operand<TFloat32>> historyFeatures,
            Operand<TFloat32> sessionMask,
            Operand<TFloat32> historyMask) {
        int d = config.hiddenSize();
        SdmWeights.Lstm lstm = sdmWeights.lstm();
        SdmWeights.SelfAttention attention = sdmWeights.attention();
        Operand<TFloat32> x = tf.concat(sessionFeatures, tf.constant(-1)); // [B, T, in]
        // Serving runs the LSTM as one fused op (no gradient, so not for training); the cell and
        // the variables are the same.
        Layers.LstmRun lstmRun =
                mode == Mode.SERVING
                        ? layers.fusedLstmRun(x, sessionMask, lstm.w(), lstm.u(), lstm.b(), d)
                        : layers.lstmRun(
                                x,
                                sessionMask,
                                lstm.w(),
                                lstm.u(),
                                lstm.b(),
                                t,
                                config.itemInputDim(),
                                d);
        Operand<TFloat32> h = lstmRun.outputs();
        Layers.SelfAttention selfAttention =
                layers.causalSelfAttentionRows(
                        h,
                        sessionMask,
                        attention.wq(),
                        attention.wk(),
                        attention.wv(),
                        attention.wo(),
                        t,
                        d,
                        config.heads());
        Operand<TFloat32> hHat = selfAttention.output();
        Operand<TFloat32> s =
                layers.causalUserAttention(hHat, eu, sdmWeights.userAttention(), sessionMask, t, d);
        if (sdmWeights.longTerm().isEmpty()) {
            if (mode == Mode.SERVING) {
                prefixState(
                        tf,
                        layers,
                        lstmRun.last(),
                        selfAttention,
                        hHat,
                        eu,
                        sessionMask,
                        null,
                        null);
            }
            return s;
        }
        LongTermBranch longTerm = sdmWeights.longTerm().get();
        Operand<TFloat32> p =
                longTerm.vector(
                        layers,
                        eu,
                        historyFeatures,
                        historyMask,
                        LongTermBranch.Scoring.PROJECT_HISTORY);
        Operand<TFloat32> gateBias = longTerm.gateBias(layers, eu, p);
        Operand<TFloat32> gated = longTerm.gateMix(layers, s, p, gateBias, t);
        if (mode == Mode.SERVING) {
            prefixState(
                    tf, layers, lstmRun.last(), selfAttention, hHat, eu, sessionMask, p, gateBias);
        }
        return gated;
    }

    /**
     * Named ops ({@link ModelSignature#PREFIX_STATE}) with the state the step graph carries after
     * the last real click of each session: LSTM h and c, the key and value rows, the user-attention
     * accumulator (m, l, acc) over the real positions, and the session values. A scorer fetches
     * them with {@link #SESSION_VECTORS} to score a burst of one user's clicks in one run and go on
     * stepping from there. Serving graphs only; nothing runs unless they are fetched.
     */
    private void prefixState(
            Ops tf,
            Layers layers,
            Layers.LstmState last,
            Layers.SelfAttention selfAttention,
            Operand<TFloat32> hHat,
            Operand<TFloat32> eu,
            Operand<TFloat32> sessionMask,
            Operand<TFloat32> p,
            Operand<TFloat32> gateBias) {
        Ops prefix = tf.withSubScope(ModelSignature.PREFIX_SCOPE);
        Operand<TFloat32> query = tf.linalg.matMul(eu, sdmWeights.userAttention()); // [B, D]
        Operand<TFloat32> scores =
                tf.math.add(
                        tf.reduceSum(
                                tf.math.mul(hHat, tf.expandDims(query, tf.constant(1))),
                                tf.constant(2)),
                        layers.keyBias(sessionMask)); // [B, T], padding far below
        Operand<TFloat32> max = tf.max(scores, tf.constant(1)); // [B]
        Operand<TFloat32> weights =
                tf.math.exp(tf.math.sub(scores, tf.expandDims(max, tf.constant(1))));
        prefix.withName(ModelSignature.LSTM_H).identity(last.h());
        prefix.withName(ModelSignature.LSTM_C).identity(last.c());
        prefix.withName(ModelSignature.ATTENTION_KEYS).identity(selfAttention.keys());
        prefix.withName(ModelSignature.ATTENTION_VALUES).identity(selfAttention.values());
        prefix.withName(ModelSignature.POOL_MAX).identity(max);
        prefix.withName(ModelSignature.POOL_SUM).identity(tf.reduceSum(weights, tf.constant(1)));
        prefix.withName(ModelSignature.POOL_ACC)
                .identity(
                        tf.reduceSum(
                                tf.math.mul(hHat, tf.expandDims(weights, tf.constant(2))),
                                tf.constant(1)));
        prefix.withName(ModelSignature.SESSION_QUERY).identity(query);
        if (p != null) {
            prefix.withName(ModelSignature.SESSION_LONG_TERM).identity(p);
            prefix.withName(ModelSignature.SESSION_GATE).identity(gateBias);
        }
    }

    private Operand<TFloat32> youTubeDnn(
            Operand<TFloat32> eu,
            List<Operand<TFloat32>> sessionFeatures,
            List<Operand<TFloat32>> historyFeatures,
            Operand<TFloat32> sessionMask,
            Operand<TFloat32> historyMask) {
        int t = config.maxSessionLength();
        int in = config.itemInputDim();
        Operand<TInt32> tileT = tf.constant(new int[] {1, t, 1});
        Operand<TFloat32> sessionMean =
                layers.causalMean(tf.concat(sessionFeatures, tf.constant(-1)), sessionMask, t);
        Operand<TFloat32> historyMean =
                layers.maskedMean(tf.concat(historyFeatures, tf.constant(-1)), historyMask);
        Operand<TFloat32> x =
                tf.concat(
                        List.of(
                                sessionMean,
                                tf.tile(tf.expandDims(historyMean, tf.constant(1)), tileT),
                                tf.tile(tf.expandDims(eu, tf.constant(1)), tileT)),
                        tf.constant(-1));
        int width = 2 * in + config.userEmbeddingDim();
        int layer = 0;
        for (int size : config.dnnHiddenLayers()) {
            x =
                    tf.nn.relu(
                            tf.math.add(
                                    layers.dense3(
                                            x,
                                            params.weight(
                                                    VariableNames.dnnWeight(layer), width, size),
                                            t,
                                            width,
                                            size),
                                    params.zeros(VariableNames.dnnBias(layer), size)));
            width = size;
            layer++;
        }
        return tf.math.add(
                layers.dense3(
                        x,
                        params.weight(VariableNames.DNN_OUT_W, width, config.hiddenSize()),
                        t,
                        width,
                        config.hiddenSize()),
                params.zeros(VariableNames.DNN_OUT_B, config.hiddenSize()));
    }

    /**
     * The serving signature over this graph's placeholders, as {@link ModelSignature} specifies.
     */
    public Signature servingSignature() {
        return Signature.builder(ModelSignature.KEY)
                .input(ModelSignature.SESSION_ITEM, sessionItem)
                .input(ModelSignature.SESSION_CATEGORY, sessionCategory)
                .input(ModelSignature.SESSION_BRAND, sessionBrand)
                .input(ModelSignature.SESSION_SHOP, sessionShop)
                .input(ModelSignature.SESSION_LENGTH, sessionLength)
                .input(ModelSignature.HISTORY_ITEM, historyItem)
                .input(ModelSignature.HISTORY_CATEGORY, historyCategory)
                .input(ModelSignature.HISTORY_BRAND, historyBrand)
                .input(ModelSignature.HISTORY_SHOP, historyShop)
                .input(ModelSignature.HISTORY_LENGTH, historyLength)
                .input(ModelSignature.USER, user)
                .input(ModelSignature.PROFILE, profile)
                .output(ModelSignature.USER_VECTOR, userVector)
                .build();
    }

    public Graph graph() {
        return graph;
    }

    public Ops tf() {
        return tf;
    }

    public SdmConfig config() {
        return config;
    }

    public Sizes sizes() {
        return sizes;
    }

    public Operand<TFloat32> sessionVectors() {
        return sessionVectors;
    }

    public Operand<TFloat32> userVector() {
        return userVector;
    }

    public Variable<TFloat32> outputItemEmbedding() {
        return outputItemEmbedding;
    }

    public List<Variable<TFloat32>> variables() {
        return params.variables();
    }

    /** The input embedding tables, for other graphs over the same weights (the step graph). */
    public EmbeddingTables tables() {
        return tables;
    }

    /**
     * The SDM weights beyond the embedding tables, for other graphs over the same weights (the step
     * graph).
     *
     * @throws IllegalStateException for a tower that is not SDM
     */
    public SdmWeights sdmWeights() {
        if (sdmWeights == null) {
            throw new IllegalStateException(
                    "the " + config.architecture() + " tower has no SDM weights");
        }
        return sdmWeights;
    }
}
