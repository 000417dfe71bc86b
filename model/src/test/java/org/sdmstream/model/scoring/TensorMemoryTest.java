package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The NIO views write and read the tensor's own memory, and only within it. */
class TensorMemoryTest {

    @Test
    void writesThroughTheViewAreTheTensorsValues() {
        try (TFloat32 t = TFloat32.tensorOf(Shape.of(3, 4))) {
            FloatBuffer view = TensorMemory.floats(t);
            assertThat(view.capacity()).isEqualTo(12);
            view.put(4, new float[] {1.5f, 2.5f, 3.5f, 4.5f}, 0, 4);
            assertThat(t.getFloat(1, 0)).isEqualTo(1.5f);
            assertThat(t.getFloat(1, 3)).isEqualTo(4.5f);
            t.setFloat(-7f, 2, 1);
            assertThat(view.get(9)).isEqualTo(-7f);
        }
        try (TInt32 t = TInt32.tensorOf(Shape.of(5))) {
            IntBuffer view = TensorMemory.ints(t);
            view.put(4, 42);
            assertThat(t.getInt(4)).isEqualTo(42);
        }
    }

    @Test
    void aCopyPastTheTensorsEndIsRefused() {
        try (TFloat32 t = TFloat32.tensorOf(Shape.of(2, 3))) {
            FloatBuffer view = TensorMemory.floats(t);
            assertThatThrownBy(() -> view.put(4, new float[3], 0, 3))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
