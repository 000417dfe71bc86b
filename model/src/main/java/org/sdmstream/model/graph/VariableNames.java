package org.sdmstream.model.graph;

import java.util.List;

/**
 * The names of the model's trainable variables, written down once: checkpoints restore by these
 * names and the exported SavedModel carries them, so renaming one is a format change. The towers
 * create their variables through {@link Parameters} under these names; other graphs over the same
 * weights (the step graph) get the variables as objects ({@link EmbeddingTables}, {@link
 * SdmWeights}), never by name.
 */
public final class VariableNames {

    // Embedding tables [rows, dim], shared by every tower.
    public static final String ITEM_EMBEDDING = "item_embedding";
    public static final String CATEGORY_EMBEDDING = "category_embedding";
    public static final String BRAND_EMBEDDING = "brand_embedding";
    public static final String SHOP_EMBEDDING = "shop_embedding";
    public static final String USER_EMBEDDING = "user_embedding";
    public static final String PROFILE_EMBEDDING = "profile_embedding";

    // SDM short-term branch: LSTM, causal multi-head self-attention, user attention.
    public static final String LSTM_W = "lstm_w";
    public static final String LSTM_U = "lstm_u";
    public static final String LSTM_B = "lstm_b";
    public static final String ATTENTION_WQ = "attention_wq";
    public static final String ATTENTION_WK = "attention_wk";
    public static final String ATTENTION_WV = "attention_wv";
    public static final String ATTENTION_WO = "attention_wo";
    public static final String USER_ATTENTION_W = "user_attention_w";

    // SDM long-term branch and the gate that fuses it with the short-term vector.
    public static final String HISTORY_ATTENTION_ITEM_W = "history_attention_item_w";
    public static final String HISTORY_ATTENTION_CATEGORY_W = "history_attention_category_w";
    public static final String HISTORY_ATTENTION_BRAND_W = "history_attention_brand_w";
    public static final String HISTORY_ATTENTION_SHOP_W = "history_attention_shop_w";

    /** The history attention weights in feature order: item, category, brand, shop. */
    public static final List<String> HISTORY_ATTENTION =
            List.of(
                    HISTORY_ATTENTION_ITEM_W,
                    HISTORY_ATTENTION_CATEGORY_W,
                    HISTORY_ATTENTION_BRAND_W,
                    HISTORY_ATTENTION_SHOP_W);

    public static final String LONG_TERM_W = "long_term_w";
    public static final String LONG_TERM_B = "long_term_b";
    public static final String GATE_W1 = "gate_w1";
    public static final String GATE_W2 = "gate_w2";
    public static final String GATE_W3 = "gate_w3";
    public static final String GATE_B = "gate_b";

    // YouTube-DNN baseline: hidden layers dnn_<i>_w/b, then the output layer.
    public static final String DNN_OUT_W = "dnn_out_w";
    public static final String DNN_OUT_B = "dnn_out_b";

    /** The output item embedding table [items, D] that the training softmax and retrieval share. */
    public static final String OUTPUT_ITEM_EMBEDDING = "output_item_embedding";

    private VariableNames() {}

    /** Weight of the YouTube-DNN hidden layer {@code layer} (0-based). */
    public static String dnnWeight(int layer) {
        return "dnn_" + layer + "_w";
    }

    /** Bias of the YouTube-DNN hidden layer {@code layer} (0-based). */
    public static String dnnBias(int layer) {
        return "dnn_" + layer + "_b";
    }
}
