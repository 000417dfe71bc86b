package org.sdmstream.model.scoring;

import org.tensorflow.Result;
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

    /** The outputs of {@link StepRunner#step}, fetched in {@link StepRunner#OUTPUTS} order. */
    static StepOutputs of(Result result) {
        return new StepOutputs(
                floats(result, 0),
                floats(result, 1),
                floats(result, 2),
                floats(result, 3),
                floats(result, 4),
                floats(result, 5),
                floats(result, 6),
                floats(result, 7));
    }

    static FloatDataBuffer floats(Result result, int index) {
        return ((TFloat32) result.get(index)).asRawTensor().data().asFloats();
    }
}
