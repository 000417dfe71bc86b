package org.sdmstream.model.scoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdmstream.model.ModelSignature;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;

/**
 * Runs a model's step graph by tensor name rather than through its signature function, so that a
 * round can feed the carried session values ({@link ModelSignature#SESSION_VALUES}) in place of the
 * user, profile and history they are computed from: TF then prunes the user embedding and the
 * long-term branch from the run. Models exported before the session values existed run with every
 * signature input, as before.
 */
final class StepRunner {

    /** The step outputs, in the order {@link StepOutputs#of} reads them. */
    static final List<String> OUTPUTS =
            List.of(
                    ModelSignature.USER_VECTOR,
                    ModelSignature.NEXT_LSTM_H,
                    ModelSignature.NEXT_LSTM_C,
                    ModelSignature.KEY_ROW,
                    ModelSignature.VALUE_ROW,
                    ModelSignature.NEXT_POOL_MAX,
                    ModelSignature.NEXT_POOL_SUM,
                    ModelSignature.NEXT_POOL_ACC);

    /** The step inputs the session values replace. */
    static final List<String> SESSION_INPUTS =
            List.of(
                    ModelSignature.USER,
                    ModelSignature.PROFILE,
                    ModelSignature.HISTORY_ITEM,
                    ModelSignature.HISTORY_CATEGORY,
                    ModelSignature.HISTORY_BRAND,
                    ModelSignature.HISTORY_SHOP,
                    ModelSignature.HISTORY_LENGTH);

    private final Session session;

    /** Tensor name of every step input and output, by signature key. */
    private final Map<String, String> tensors = new LinkedHashMap<>();

    /** The session values this model has, by name, with their tensor names; empty when none. */
    private final Map<String, String> sessionValues = new LinkedHashMap<>();

    StepRunner(SdmScorer model, Signature step) {
        this.session = model.session();
        step.getInputs().forEach((key, description) -> tensors.put(key, description.name));
        step.getOutputs().forEach((key, description) -> tensors.put(key, description.name));
        for (String name : ModelSignature.SESSION_VALUES) {
            String op = ModelSignature.stepOp(name);
            if (model.hasOperation(op)) {
                sessionValues.put(name, op + ":0");
            }
        }
    }

    /** Whether the model names its session values, so that a scorer can carry them. */
    boolean carriesSessionValues() {
        return !sessionValues.isEmpty();
    }

    /** The names of the session values this model has, in {@link #sessionValues} order. */
    List<String> sessionValueNames() {
        return List.copyOf(sessionValues.keySet());
    }

    /**
     * Computes the session values from {@code feeds} (the {@link #SESSION_INPUTS}, by signature
     * key); the result holds them in {@link #sessionValueNames()} order.
     */
    Result sessionValues(Map<String, Tensor> feeds) {
        Session.Runner runner = session.runner();
        for (String key : SESSION_INPUTS) {
            runner.feed(tensors.get(key), feeds.get(key));
        }
        sessionValues.values().forEach(runner::fetch);
        return runner.run();
    }

    /**
     * Runs one step; {@code feeds} are keyed by signature input key, or by session value name in
     * place of the {@link #SESSION_INPUTS}. The result holds the {@link #OUTPUTS} in that order.
     */
    Result step(Map<String, Tensor> feeds) {
        Session.Runner runner = session.runner();
        List<String> missing = new ArrayList<>();
        feeds.forEach(
                (key, tensor) -> {
                    String name =
                            sessionValues.containsKey(key)
                                    ? sessionValues.get(key)
                                    : tensors.get(key);
                    if (name == null) {
                        missing.add(key);
                    } else {
                        runner.feed(name, tensor);
                    }
                });
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the step graph has no input " + missing);
        }
        for (String output : OUTPUTS) {
            runner.fetch(tensors.get(output));
        }
        return runner.run();
    }
}
