package org.sdmstream.wire.fast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** Each primitive against Avro's own {@link BinaryEncoder} at its edges. */
class AvroBinaryWriterTest {

    interface AvroWrite {
        void to(BinaryEncoder e) throws IOException;
    }

    private static byte[] avro(AvroWrite write) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(bytes, null);
        write.to(e);
        e.flush();
        return bytes.toByteArray();
    }

    private static byte[] fast(java.util.function.Consumer<AvroBinaryWriter> write) {
        AvroBinaryWriter w = new AvroBinaryWriter();
        write.accept(w);
        return w.toByteArray();
    }

    @Test
    void intsAndLongsAreZigZagVarints() throws IOException {
        long[] longs = {
            0,
            1,
            -1,
            63,
            64,
            -64,
            -65,
            127,
            128,
            8191,
            8192,
            Integer.MAX_VALUE,
            Integer.MIN_VALUE,
            Integer.MAX_VALUE + 1L,
            Integer.MIN_VALUE - 1L,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            1L << 62,
            -(1L << 62)
        };
        for (long n : longs) {
            assertThat(fast(w -> w.writeLong(n)))
                    .as("long %d", n)
                    .isEqualTo(avro(e -> e.writeLong(n)));
            int i = (int) n;
            assertThat(fast(w -> w.writeInt(i)))
                    .as("int %d", i)
                    .isEqualTo(avro(e -> e.writeInt(i)));
        }
    }

    @Test
    void floatsAreTheirRawBitsLittleEndian() throws IOException {
        float[] floats = {
            0f,
            -0f,
            Float.NaN,
            Float.intBitsToFloat(0x7FC12345),
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE,
            Float.MAX_VALUE,
            1.5f
        };
        for (float f : floats) {
            assertThat(fast(w -> w.writeFloat(f)))
                    .as("float %s", f)
                    .isEqualTo(avro(e -> e.writeFloat(f)));
        }
        assertThat(fast(w -> w.writeFloat(1f))).containsExactly(0x00, 0x00, 0x80, 0x3F);
    }

    @Test
    void stringsAreUtf8AsTheJdkEncodesThem() throws IOException {
        String[] strings = {
            "",
            "a",
            "i12345",
            "café",
            "北京",
            "😀",
            "a😀",
            "\uD800",
            "\uDC00",
            "\uD800x",
            "x\uDBFF",
            "\uDBFF\uDFFF",
            "\uDC00\uD800",
            "\u0080\u07FF\u0800\uFFFF",
            "ascii then é",
            "\u007F",
            // around the single-pass limit of 63 ASCII chars
            "x".repeat(63),
            "x".repeat(64),
            "x".repeat(62) + "é",
            "x".repeat(63) + "é",
            "é".repeat(40),
            "x".repeat(5_000),
            "y".repeat(3_000) + "ü" + "z".repeat(3_000)
        };
        for (String s : strings) {
            assertThat(fast(w -> w.writeString(s)))
                    .as("string %s", s)
                    .isEqualTo(avro(e -> e.writeString(s)));
        }
    }

    @Test
    void writesAfterResetStartOver() {
        AvroBinaryWriter w = new AvroBinaryWriter();
        w.writeString("x".repeat(3 << 20)); // past the retained capacity
        w.reset();
        w.writeInt(-1);
        assertThat(w.size()).isEqualTo(1);
        assertThat(w.toByteArray()).containsExactly(0x01);
    }
}
