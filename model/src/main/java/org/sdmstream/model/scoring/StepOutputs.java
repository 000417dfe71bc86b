package org.sdmstream.model.scoring;

import java.nio.FloatBuffer;
import org.tensorflow.Result;

/**
 * The step signature's outputs of one round as views of the result's native buffers, read lane by
 * lane straight into each {@link StepState}; valid while the {@link Result} is open.
 */
record StepOutputs(
        FloatBuffer vector,
        FloatBuffer h,
        FloatBuffer c,
        FloatBuffer keyRow,
        FloatBuffer valueRow,
        FloatBuffer poolMax,
        FloatBuffer poolSum,
        FloatBuffer poolAcc) {

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

    static FloatBuffer floats(Result result, int index) {
        return TensorMemory.floats(result.get(index));
    }
}
