package org.sdmstream.model.scoring;

import org.sdmstream.model.ModelSignature;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * The step signature's outputs of one round as views of the result's native buffers, read lane by
 * lane straight into each {@link StepState}; valid while the {@link Result} is open.
 */
record StepOutputs(
        FloatDataBuffer vector,
        FloatDataBuffer h,
        FloatDataBuffer c,
        FloatDataBuffer keyRow,
        FloatDataBuffer valueRow,
        FloatDataBuffer poolMax,
        FloatDataBuffer poolSum,
        FloatDataBuffer poolAcc) {

    static StepOutputs of(Result result) {
        return new StepOutputs(
                floats(result, ModelSignature.USER_VECTOR),
                floats(result, ModelSignature.NEXT_LSTM_H),
                floats(result, ModelSignature.NEXT_LSTM_C),
                floats(result, ModelSignature.KEY_ROW),
                floats(result, ModelSignature.VALUE_ROW),
                floats(result, ModelSignature.NEXT_POOL_MAX),
                floats(result, ModelSignature.NEXT_POOL_SUM),
                floats(result, ModelSignature.NEXT_POOL_ACC));
    }

    private static FloatDataBuffer floats(Result result, String name) {
        Tensor tensor =
                result.get(name)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "step signature returned no " + name));
        return ((TFloat32) tensor).asRawTensor().data().asFloats();
    }
}
