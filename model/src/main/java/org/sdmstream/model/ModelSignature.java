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
 * tag {@code serve}, its input and output names, dtypes and shapes. Training builds its placeholders
 * from these names, the exporter writes them, and the scorer refuses any SavedModel that differs.
 *
 * <p>Shapes use B for the batch (-1 in the graph), T for the max session length, L for the max history
 * length, P for the profile slots and D for the vector size; T, L, P and D are read from the loaded
 * model, so a model trained elsewhere may choose them. All index inputs are vocabulary rows (0 =
 * padding, 1 = unknown) of the vocabularies exported beside the model.
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

    public static final List<TensorSpec> INPUTS = List.of(
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

    public static final List<TensorSpec> OUTPUTS = List.of(
            new TensorSpec(USER_VECTOR, DataType.DT_FLOAT, List.of("B", "D")));

    /** The fixed sizes a concrete model chose for the symbolic dimensions. */
    public record Dimensions(int maxSession, int maxHistory, int profileSlots, int vectorSize) {}

    private ModelSignature() {}

    /**
     * Checks a loaded signature against this contract and reads its dimensions.
     *
     * @throws IllegalArgumentException naming every missing, extra or mismatching tensor
     */
    public static Dimensions check(Signature loaded) {
        List<String> problems = new ArrayList<>();
        Map<String, Long> dims = new LinkedHashMap<>();
        compare("input", INPUTS, loaded.getInputs(), dims, problems);
        compare("output", OUTPUTS, loaded.getOutputs(), dims, problems);
        for (String sym : List.of("T", "L", "P", "D")) {
            Long v = dims.get(sym);
            if (problems.isEmpty() && (v == null || v < 1)) {
                problems.add("dimension " + sym + " must be a fixed size >= 1, the model has " + v);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("SavedModel signature '" + KEY + "' does not match ModelSignature: "
                    + String.join("; ", problems) + ". Expected inputs " + describe(INPUTS) + " and outputs "
                    + describe(OUTPUTS) + " (see docs/model.md)");
        }
        return new Dimensions(dims.get("T").intValue(), dims.get("L").intValue(), dims.get("P").intValue(),
                dims.get("D").intValue());
    }

    private static void compare(String kind, List<TensorSpec> expected, Map<String, Signature.TensorDescription> actual,
            Map<String, Long> dims, List<String> problems) {
        for (TensorSpec spec : expected) {
            Signature.TensorDescription d = actual.get(spec.name());
            if (d == null) {
                problems.add("missing " + kind + " '" + spec.name() + "'");
                continue;
            }
            if (d.dataType != spec.dtype()) {
                problems.add(kind + " '" + spec.name() + "' has dtype " + d.dataType + ", expected " + spec.dtype());
            }
            Shape shape = d.shape;
            if (shape.isUnknown() || shape.numDimensions() != spec.dims().size()) {
                problems.add(kind + " '" + spec.name() + "' has shape " + shape + ", expected rank "
                        + spec.dims().size() + " " + spec.dims());
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
                    problems.add(kind + " '" + spec.name() + "' has " + sym + "=" + size + " but another tensor has "
                            + sym + "=" + seen);
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
