package org.sdmstream.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * The model's interface, written down once: the SavedModel signature {@code serving_default} under
 * tag {@code serve}, its input and output names, dtypes and shapes. Training builds its
 * placeholders from these names, the exporter writes them, and the scorer refuses any SavedModel
 * that differs.
 *
 * <p>Shapes use B for the batch (-1 in the graph), T for the max session length, L for the max
 * history length, P for the profile slots and D for the vector size; T, L, P and D are read from
 * the loaded model, so a model trained elsewhere may choose them. All index inputs are vocabulary
 * rows (0 = padding, 1 = unknown) of the vocabularies exported beside the model.
 *
 * <p>SDM exports also carry a second signature, {@link #STEP_KEY}: one click of the same causal
 * tower from carried state ({@link #STEP_INPUTS}, {@link #STEP_OUTPUTS}; docs/scoring-model.md). It
 * is optional: a model without it is scored with {@code serving_default} only.
 */
public final class ModelSignature {

    public static final String TAG = "serve";
    public static final String KEY = "serving_default";

    public static final String SESSION_ITEM = "session_item";
    public static final String SESSION_CATEGORY = "session_category";
    public static final String SESSION_BRAND = "session_brand";
    public static final String SESSION_SHOP = "session_shop";
    public static final String SESSION_LENGTH = "session_length";
    public static final String HISTORY_ITEM = "history_item";
    public static final String HISTORY_CATEGORY = "history_category";
    public static final String HISTORY_BRAND = "history_brand";
    public static final String HISTORY_SHOP = "history_shop";
    public static final String HISTORY_LENGTH = "history_length";
    public static final String USER = "user";
    public static final String PROFILE = "profile";

    /** The user interest vector after the session's newest click, L2-normalised. */
    public static final String USER_VECTOR = "user_vector";

    /** One tensor of the signature: name, dtype and shape in symbolic dimensions. */
    public record TensorSpec(String name, DataType dtype, List<String> dims) {
        public String describe() {
            return name + " " + dtype.name().substring(3).toLowerCase() + dims;
        }
    }

    public static final List<TensorSpec> INPUTS =
            List.of(
                    new TensorSpec(SESSION_ITEM, DataType.DT_INT32, List.of("B", "T")),
                    new TensorSpec(SESSION_CATEGORY, DataType.DT_INT32, List.of("B", "T")),
                    new TensorSpec(SESSION_BRAND, DataType.DT_INT32, List.of("B", "T")),
                    new TensorSpec(SESSION_SHOP, DataType.DT_INT32, List.of("B", "T")),
                    new TensorSpec(SESSION_LENGTH, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(HISTORY_ITEM, DataType.DT_INT32, List.of("B", "L")),
                    new TensorSpec(HISTORY_CATEGORY, DataType.DT_INT32, List.of("B", "L")),
                    new TensorSpec(HISTORY_BRAND, DataType.DT_INT32, List.of("B", "L")),
                    new TensorSpec(HISTORY_SHOP, DataType.DT_INT32, List.of("B", "L")),
                    new TensorSpec(HISTORY_LENGTH, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(USER, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(PROFILE, DataType.DT_INT32, List.of("B", "P")));

    public static final List<TensorSpec> OUTPUTS =
            List.of(new TensorSpec(USER_VECTOR, DataType.DT_FLOAT, List.of("B", "D")));

    /** The fixed sizes a concrete model chose for the symbolic dimensions. */
    public record Dimensions(int maxSession, int maxHistory, int profileSlots, int vectorSize) {}

    // ---- The optional second signature: one click of the causal SDM tower from carried state.
    // ----

    /**
     * Key of the step signature: the same tower and weights, advanced by one click from carried
     * state, so that the vector after click t costs one step instead of the whole session. SDM
     * models export it (with and without the long-term branch); models without it are scored with
     * the full tower only. Extra dimensions: H attention heads and K = D / H per head.
     */
    public static final String STEP_KEY = "step";

    /** The new click's vocabulary rows [B]. */
    public static final String CLICK_ITEM = "click_item";

    public static final String CLICK_CATEGORY = "click_category";
    public static final String CLICK_BRAND = "click_brand";
    public static final String CLICK_SHOP = "click_shop";

    /**
     * 0-based position of the new click in its session [B], below T. Position 0 ignores the state
     * inputs.
     */
    public static final String POSITION = "position";

    /** LSTM hidden and cell state after the previous click [B, D]. */
    public static final String LSTM_H = "lstm_h";

    public static final String LSTM_C = "lstm_c";

    /**
     * Self-attention key and value rows of the earlier clicks [B, H, T, K]; rows >= position get no
     * weight (any finite values).
     */
    public static final String ATTENTION_KEYS = "attention_keys";

    public static final String ATTENTION_VALUES = "attention_values";

    /**
     * Online-softmax accumulator of the causal user attention: running max [B], sum [B], weighted
     * sum [B, D].
     */
    public static final String POOL_MAX = "pool_max";

    public static final String POOL_SUM = "pool_sum";
    public static final String POOL_ACC = "pool_acc";

    public static final String NEXT_LSTM_H = "next_lstm_h";
    public static final String NEXT_LSTM_C = "next_lstm_c";

    /** The new click's key and value rows [B, H, K]: the caller stores them at {@code position}. */
    public static final String KEY_ROW = "key_row";

    public static final String VALUE_ROW = "value_row";
    public static final String NEXT_POOL_MAX = "next_pool_max";
    public static final String NEXT_POOL_SUM = "next_pool_sum";
    public static final String NEXT_POOL_ACC = "next_pool_acc";

    /**
     * Values of a step that depend only on the session's fixed inputs (user, profile, history),
     * named ops under the step's scope ({@link #stepOp}) rather than signature entries: the query
     * of the user attention [B, D], the long-term vector p [B, D] and the gate's fixed part W1 e_u
     * + W3 p + b [B, D]. A scorer may fetch them once per session (feeding the user, profile and
     * history) and feed them back at every click instead; TF then skips the ops they come from.
     * Models without a long-term branch have the query only; models exported before have none.
     */
    public static final String SESSION_QUERY = "session_query";

    public static final String SESSION_LONG_TERM = "session_long_term";
    public static final String SESSION_GATE = "session_gate";

    /** The session values in the order a scorer carries them. */
    public static final List<String> SESSION_VALUES =
            List.of(SESSION_QUERY, SESSION_LONG_TERM, SESSION_GATE);

    /**
     * Name scope of the full tower's prefix-state ops: the state the step carries after the last
     * real click of each session, under the step input names ({@link #LSTM_H}, {@link #LSTM_C},
     * {@link #ATTENTION_KEYS}, {@link #ATTENTION_VALUES}, {@link #POOL_MAX}, {@link #POOL_SUM},
     * {@link #POOL_ACC}) and the session value names. Fetched with the vectors at every position
     * ({@code session_vectors}), they let a scorer score a burst of one user's clicks in one run of
     * the tower and go on stepping from its end. Exports before them have none.
     */
    public static final String PREFIX_SCOPE = "prefix";

    /** The prefix-state ops, in the order a scorer fetches them (session values last). */
    public static final List<String> PREFIX_STATE =
            List.of(LSTM_H, LSTM_C, ATTENTION_KEYS, ATTENTION_VALUES, POOL_MAX, POOL_SUM, POOL_ACC);

    /** The graph name of a prefix-state op, e.g. {@code prefix/lstm_c}. */
    public static String prefixOp(String name) {
        return PREFIX_SCOPE + "/" + name;
    }

    /**
     * Session widths of the narrower towers a serving export adds below T (those less than T): the
     * same SDM over the same variables, over 8, 16 or 32 positions instead of T, each with its own
     * session placeholders ({@code prefix_t8/session_item}, ..), its vectors ({@code
     * prefix_t8/session_vectors}) and prefix state ({@code prefix_t8/prefix/lstm_h}, ..); user,
     * profile, history and {@code session_length} are the full tower's placeholders. The tower is
     * causal, so a session of n clicks gets the same vectors and state from any width >= n; a
     * scorer scores short bursts by the narrowest (the tower over 8 positions costs about a sixth
     * per row of the one over 50 and a third of its fixed part, docs/benchmarks.md, session 13).
     * Exports before them have none.
     */
    public static final List<Integer> PREFIX_WIDTHS = List.of(8, 16, 32);

    /**
     * The name scope of the narrower tower over {@code width} positions, e.g. {@code prefix_t8}.
     */
    public static String prefixTowerScope(int width) {
        return "prefix_t" + width;
    }

    /** The graph name of an op of the step graph, e.g. {@code step/session_query}. */
    public static String stepOp(String name) {
        return STEP_KEY + "/" + name;
    }

    public static final List<TensorSpec> STEP_INPUTS =
            List.of(
                    new TensorSpec(USER, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(PROFILE, DataType.DT_INT32, List.of("B", "P")),
                    new TensorSpec(HISTORY_ITEM, DataType.DT_INT32, List.of("B", "L")),
                    new TensorSpec(HISTORY_CATEGORY, DataType.DT_INT32, List.of("B", "L")),
                    new TensorSpec(HISTORY_BRAND, DataType.DT_INT32, List.of("B", "L")),
                    new TensorSpec(HISTORY_SHOP, DataType.DT_INT32, List.of("B", "L")),
                    new TensorSpec(HISTORY_LENGTH, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(CLICK_ITEM, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(CLICK_CATEGORY, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(CLICK_BRAND, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(CLICK_SHOP, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(POSITION, DataType.DT_INT32, List.of("B")),
                    new TensorSpec(LSTM_H, DataType.DT_FLOAT, List.of("B", "D")),
                    new TensorSpec(LSTM_C, DataType.DT_FLOAT, List.of("B", "D")),
                    new TensorSpec(ATTENTION_KEYS, DataType.DT_FLOAT, List.of("B", "H", "T", "K")),
                    new TensorSpec(
                            ATTENTION_VALUES, DataType.DT_FLOAT, List.of("B", "H", "T", "K")),
                    new TensorSpec(POOL_MAX, DataType.DT_FLOAT, List.of("B")),
                    new TensorSpec(POOL_SUM, DataType.DT_FLOAT, List.of("B")),
                    new TensorSpec(POOL_ACC, DataType.DT_FLOAT, List.of("B", "D")));

    public static final List<TensorSpec> STEP_OUTPUTS =
            List.of(
                    new TensorSpec(USER_VECTOR, DataType.DT_FLOAT, List.of("B", "D")),
                    new TensorSpec(NEXT_LSTM_H, DataType.DT_FLOAT, List.of("B", "D")),
                    new TensorSpec(NEXT_LSTM_C, DataType.DT_FLOAT, List.of("B", "D")),
                    new TensorSpec(KEY_ROW, DataType.DT_FLOAT, List.of("B", "H", "K")),
                    new TensorSpec(VALUE_ROW, DataType.DT_FLOAT, List.of("B", "H", "K")),
                    new TensorSpec(NEXT_POOL_MAX, DataType.DT_FLOAT, List.of("B")),
                    new TensorSpec(NEXT_POOL_SUM, DataType.DT_FLOAT, List.of("B")),
                    new TensorSpec(NEXT_POOL_ACC, DataType.DT_FLOAT, List.of("B", "D")));

    /**
     * The sizes of a step signature: the serving dimensions plus the attention heads and the size
     * per head.
     */
    public record StepDimensions(Dimensions dimensions, int heads, int headSize) {}

    private ModelSignature() {}

    /**
     * Checks a loaded signature against this contract and reads its dimensions.
     *
     * @throws IllegalArgumentException naming every missing, extra or mismatching tensor
     */
    public static Dimensions check(Signature loaded) {
        Map<String, Long> dims = check(KEY, INPUTS, OUTPUTS, List.of("T", "L", "P", "D"), loaded);
        return new Dimensions(
                dims.get("T").intValue(),
                dims.get("L").intValue(),
                dims.get("P").intValue(),
                dims.get("D").intValue());
    }

    /**
     * Checks a loaded step signature against {@link #STEP_INPUTS} and {@link #STEP_OUTPUTS} and
     * against the serving dimensions of the same model.
     *
     * @throws IllegalArgumentException naming every missing, extra or mismatching tensor
     */
    public static StepDimensions checkStep(Signature loaded, Dimensions serving) {
        Map<String, Long> dims =
                check(
                        STEP_KEY,
                        STEP_INPUTS,
                        STEP_OUTPUTS,
                        List.of("T", "L", "P", "D", "H", "K"),
                        loaded);
        Dimensions own =
                new Dimensions(
                        dims.get("T").intValue(),
                        dims.get("L").intValue(),
                        dims.get("P").intValue(),
                        dims.get("D").intValue());
        int heads = dims.get("H").intValue();
        int headSize = dims.get("K").intValue();
        if (!own.equals(serving) || heads * headSize != own.vectorSize()) {
            throw new IllegalArgumentException(
                    "SavedModel signature '"
                            + STEP_KEY
                            + "' has dimensions "
                            + own
                            + " with H="
                            + heads
                            + ", K="
                            + headSize
                            + " but '"
                            + KEY
                            + "' has "
                            + serving
                            + " (and H*K must equal D)");
        }
        return new StepDimensions(own, heads, headSize);
    }

    private static Map<String, Long> check(
            String key,
            List<TensorSpec> inputs,
            List<TensorSpec> outputs,
            List<String> symbols,
            Signature loaded) {
        List<String> problems = new ArrayList<>();
        Map<String, Long> dims = new LinkedHashMap<>();
        compare("input", inputs, loaded.getInputs(), dims, problems);
        compare("output", outputs, loaded.getOutputs(), dims, problems);
        for (String sym : symbols) {
            Long v = dims.get(sym);
            if (problems.isEmpty() && (v == null || v < 1)) {
                problems.add("dimension " + sym + " must be a fixed size >= 1, the model has " + v);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "SavedModel signature '"
                            + key
                            + "' does not match ModelSignature: "
                            + String.join("; ", problems)
                            + ". Expected inputs "
                            + describe(inputs)
                            + " and outputs "
                            + describe(outputs)
                            + " (see docs/model.md)");
        }
        return dims;
    }

    private static void compare(
            String kind,
            List<TensorSpec> expected,
            Map<String, Signature.TensorDescription> actual,
            Map<String, Long> dims,
            List<String> problems) {
        for (TensorSpec spec : expected) {
            Signature.TensorDescription d = actual.get(spec.name());
            if (d == null) {
                problems.add("missing " + kind + " '" + spec.name() + "'");
                continue;
            }
            if (d.dataType != spec.dtype()) {
                problems.add(
                        kind
                                + " '"
                                + spec.name()
                                + "' has dtype "
                                + d.dataType
                                + ", expected "
                                + spec.dtype());
            }
            Shape shape = d.shape;
            if (shape.isUnknown() || shape.numDimensions() != spec.dims().size()) {
                problems.add(
                        kind
                                + " '"
                                + spec.name()
                                + "' has shape "
                                + shape
                                + ", expected rank "
                                + spec.dims().size()
                                + " "
                                + spec.dims());
                continue;
            }
            for (int i = 0; i < spec.dims().size(); i++) {
                String sym = spec.dims().get(i);
                long size = shape.get(i);
                if (sym.equals("B")) {
                    continue; // any batch size, fixed or not
                }
                Long seen = dims.putIfAbsent(sym, size);
                if (seen != null && seen != size) {
                    problems.add(
                            kind
                                    + " '"
                                    + spec.name()
                                    + "' has "
                                    + sym
                                    + "="
                                    + size
                                    + " but another tensor has "
                                    + sym
                                    + "="
                                    + seen);
                }
            }
        }
        // Extra outputs are harmless (never fetched); an extra input would be left unfed.
        for (String name : kind.equals("input") ? actual.keySet() : List.<String>of()) {
            if (expected.stream().noneMatch(s -> s.name().equals(name))) {
                problems.add("unexpected " + kind + " '" + name + "'");
            }
        }
    }

    private static String describe(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::describe).toList().toString();
    }
}
