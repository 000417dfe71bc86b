package org.sdmstream.job.sessionizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.sdmstream.features.Behavior;

/**
 * The compact encodings of the sessionizer's state, shared by both state serializers: varints on
 * Flink's views (also used by the legacy {@link StateFormatV1}) and the format v2 value codec
 * ({@link Writer}, {@link Reader}). Changing anything here changes the checkpoint format: add a
 * format version ({@link StateFormatSnapshot}) and keep a reader for the old one.
 *
 * <p>Format v2 frames every value: varint byte length, then the body. The body is encoded into and
 * decoded from a plain byte array, so a value costs two or three calls on Flink's {@code
 * DataInputView}/{@code DataOutputView} instead of one or more per character: in the job those
 * calls are megamorphic (the same Flink code serves keys, network buffers and snapshots through
 * several view classes) and were most of the state serializers' time. Body encodings: varints
 * (unsigned LEB128), zigzag varints for signed values, strings as varint (UTF-8 byte length + 1, 0
 * = null) then the UTF-8 bytes, behaviours as item, category, brand, shop, zigzag time delta to the
 * previous behaviour.
 */
final class StateIO {

    private StateIO() {}

    static void writeVarInt(int v, DataOutputView out) throws IOException {
        if (v < 0) {
            throw new IOException("negative size " + v);
        }
        writeVarLong(v, out);
    }

    static int readVarInt(DataInputView in) throws IOException {
        long v = readVarLong(in);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IOException("corrupt state: size " + v);
        }
        return (int) v;
    }

    /** Unsigned LEB128. */
    static void writeVarLong(long v, DataOutputView out) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(DataInputView in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("corrupt state: varint longer than 10 bytes");
    }

    /**
     * A signed long as a varint, small magnitudes short. Any long round-trips, also as a wrapped
     * difference.
     */
    static void writeZigZag(long v, DataOutputView out) throws IOException {
        writeVarLong(zigZag(v), out);
    }

    static long readZigZag(DataInputView in) throws IOException {
        return unZigZag(readVarLong(in));
    }

    static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unZigZag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    /**
     * Encodes one v2 value body into a growing array, then writes it framed by its length. One per
     * value.
     */
    static final class Writer {

        private byte[] buf;
        private int pos;

        Writer(int expectedBytes) {
            buf = new byte[expectedBytes];
        }

        /** The frame: varint body length, then the body. */
        void writeTo(DataOutputView out) throws IOException {
            StateIO.writeVarInt(pos, out);
            out.write(buf, 0, pos);
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
            }
        }

        void writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        void writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void writeVarInt(int v) throws IOException {
            if (v < 0) {
                throw new IOException("negative size " + v);
            }
            writeVarLong(v);
        }

        void writeZigZag(long v) {
            writeVarLong(zigZag(v));
        }

        /**
         * ASCII (every id seen so far) is copied char by char in one pass; anything else goes
         * through UTF-8.
         */
        void writeString(String s) {
            if (s == null) {
                writeByte(0);
                return;
            }
            int n = s.length();
            int start = pos;
            writeVarLong(n + 1L);
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    pos = start;
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    writeVarLong(utf8.length + 1L);
                    ensure(utf8.length);
                    System.arraycopy(utf8, 0, buf, pos, utf8.length);
                    pos += utf8.length;
                    return;
                }
                buf[pos++] = (byte) c;
            }
        }

        /**
         * One behaviour, its event time as a delta to {@code previousTime}; returns its event time.
         */
        long writeBehavior(Behavior b, long previousTime) {
            writeString(b.itemId());
            writeString(b.categoryId());
            writeString(b.brandId());
            writeString(b.shopId());
            writeZigZag(b.eventTime() - previousTime);
            return b.eventTime();
        }

        /**
         * Count, then the behaviours, times delta-encoded (lists are in time order); returns the
         * last time.
         */
        long writeBehaviors(List<Behavior> behaviors, long previousTime) throws IOException {
            int n = behaviors.size();
            writeVarInt(n);
            long prev = previousTime;
            for (int i = 0; i < n; i++) {
                prev = writeBehavior(behaviors.get(i), prev);
            }
            return prev;
        }

        void writeProfile(Map<String, String> profile) throws IOException {
            writeVarInt(profile.size());
            for (Map.Entry<String, String> e : profile.entrySet()) {
                writeString(e.getKey());
                writeString(e.getValue());
            }
        }
    }

    /** Decodes one v2 value body, read from its frame with a single bulk read. */
    static final class Reader {

        private final byte[] buf;
        private int pos;

        private Reader(byte[] body) {
            this.buf = body;
        }

        /** Reads the frame {@link Writer#writeTo} wrote. */
        static Reader readFrom(DataInputView in) throws IOException {
            int length = StateIO.readVarInt(in);
            // A corrupt length must fail, not allocate gigabytes (state is read from a
            // DataInputDeserializer).
            if (in instanceof DataInputDeserializer d && length > d.available()) {
                throw new IOException(
                        "corrupt state: value of " + length + " bytes, " + d.available() + " left");
            }
            byte[] body = new byte[length];
            in.readFully(body);
            return new Reader(body);
        }

        /** Fails unless the whole body was read: a body longer than its content is corrupt too. */
        void finish() throws IOException {
            if (pos != buf.length) {
                throw new IOException(
                        "corrupt state: " + (buf.length - pos) + " bytes left over in a value");
            }
        }

        int readUnsignedByte() throws IOException {
            if (pos >= buf.length) {
                throw new IOException("corrupt state: value ends early");
            }
            return buf[pos++] & 0xFF;
        }

        long readVarLong() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readUnsignedByte();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("corrupt state: varint longer than 10 bytes");
        }

        int readVarInt() throws IOException {
            long v = readVarLong();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IOException("corrupt state: size " + v);
            }
            return (int) v;
        }

        long readZigZag() throws IOException {
            return unZigZag(readVarLong());
        }

        String readString() throws IOException {
            int lengthPlusOne = readVarInt();
            if (lengthPlusOne == 0) {
                return null;
            }
            int length = lengthPlusOne - 1;
            if (length > buf.length - pos) {
                throw new IOException(
                        "corrupt state: string of "
                                + length
                                + " bytes, "
                                + (buf.length - pos)
                                + " left");
            }
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }

        Behavior readBehavior(long previousTime) throws IOException {
            String item = readString();
            if (item == null) {
                throw new IOException("corrupt state: behaviour without an item id");
            }
            String category = readString();
            String brand = readString();
            String shop = readString();
            return new Behavior(item, category, brand, shop, previousTime + readZigZag());
        }

        /**
         * Reads what {@link Writer#writeBehaviors} wrote, appending to {@code into}; returns the
         * last event time.
         */
        long readBehaviors(ArrayList<Behavior> into, long previousTime) throws IOException {
            int n = readVarInt();
            into.ensureCapacity(
                    into.size() + Math.min(n, buf.length - pos)); // a behaviour takes >= 5 bytes
            long prev = previousTime;
            for (int i = 0; i < n; i++) {
                Behavior b = readBehavior(prev);
                into.add(b);
                prev = b.eventTime();
            }
            return prev;
        }

        Map<String, String> readProfile() throws IOException {
            int n = readVarInt();
            if (n == 0) {
                return Map.of();
            }
            if (n > buf.length - pos) {
                throw new IOException(
                        "corrupt state: profile of "
                                + n
                                + " entries, "
                                + (buf.length - pos)
                                + " bytes left");
            }
            Map<String, String> profile = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                profile.put(readString(), readString());
            }
            return profile;
        }
    }
}
