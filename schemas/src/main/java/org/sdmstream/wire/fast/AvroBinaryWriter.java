package org.sdmstream.wire.fast;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A reusable, growable byte buffer that writes Avro binary primitives exactly as Avro's {@code
 * BinaryEncoder} does, for the hand-written record writers of this package.
 *
 * <p>Why: Avro's generic writer resolves every field, union and array element reflectively; writing
 * the few hot record types straight into one reused buffer costs a fraction of that. Not
 * thread-safe.
 */
public final class AvroBinaryWriter {

    private static final int INITIAL_CAPACITY = 1_024;

    /** A buffer grown past this by one huge record is dropped at the next {@link #reset()}. */
    private static final int RETAINED_CAPACITY = 1 << 20;

    private byte[] buf = new byte[INITIAL_CAPACITY];
    private int pos;

    /** Starts a new payload; keeps the buffer unless one outsized record made it huge. */
    public void reset() {
        if (buf.length > RETAINED_CAPACITY) {
            buf = new byte[INITIAL_CAPACITY];
        }
        pos = 0;
    }

    /** Bytes written since the last {@link #reset()}. */
    public int size() {
        return pos;
    }

    /** A right-sized copy of what was written since the last {@link #reset()}. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    public void writeRaw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    /** Avro int: zig-zag, then a little-endian base-128 varint (1-5 bytes). */
    public void writeInt(int n) {
        ensure(5);
        int z = (n << 1) ^ (n >> 31);
        while ((z & ~0x7F) != 0) {
            buf[pos++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        buf[pos++] = (byte) z;
    }

    /** Avro long: zig-zag, then a little-endian base-128 varint (1-10 bytes). */
    public void writeLong(long n) {
        ensure(10);
        long z = (n << 1) ^ (n >> 63);
        while ((z & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        buf[pos++] = (byte) z;
    }

    /**
     * Avro float: the raw IEEE 754 bits (NaN payloads kept, as Avro does), 4 bytes little-endian.
     */
    public void writeFloat(float f) {
        ensure(4);
        int bits = Float.floatToRawIntBits(f);
        buf[pos] = (byte) bits;
        buf[pos + 1] = (byte) (bits >>> 8);
        buf[pos + 2] = (byte) (bits >>> 16);
        buf[pos + 3] = (byte) (bits >>> 24);
        pos += 4;
    }

    /**
     * Index of the union branch that follows (0 = null for this project's {@code ["null", T]}
     * unions).
     */
    public void writeUnionIndex(int index) {
        writeInt(index);
    }

    /**
     * Block header of a non-empty array or map; write the items, then {@link #writeBlockEnd()}. An
     * empty array or map is only the end marker, as Avro writes it.
     */
    public void writeBlockCount(long count) {
        if (count > 0) {
            writeLong(count);
        }
    }

    public void writeBlockEnd() {
        ensure(1);
        buf[pos++] = 0;
    }

    /**
     * Avro string: byte length, then the bytes of {@code String.getBytes(UTF_8)} (an unpaired
     * surrogate becomes {@code '?'}, as the JDK encodes it). Short ASCII strings, most ids, take a
     * single pass.
     */
    public void writeString(String s) {
        int chars = s.length();
        if (chars < 64 && writeShortAscii(s, chars)) {
            return;
        }
        int bytes = utf8Length(s);
        writeInt(bytes);
        ensure(bytes);
        pos = encodeUtf8(s, buf, pos);
    }

    /**
     * Below 64 chars an ASCII string's length is one varint byte: copy first, find out on the way
     * if it is ASCII.
     */
    private boolean writeShortAscii(String s, int chars) {
        ensure(1 + chars);
        byte[] b = buf;
        int p = pos;
        b[p++] = (byte) (chars << 1);
        for (int i = 0; i < chars; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return false; // pos untouched: the caller starts over
            }
            b[p++] = (byte) c;
        }
        pos = p;
        return true;
    }

    /** A {@code ["null", "string"]} union. */
    public void writeNullableString(String s) {
        if (s == null) {
            writeUnionIndex(0);
        } else {
            writeUnionIndex(1);
            writeString(s);
        }
    }

    /**
     * An Avro map of strings: block count, key/value pairs in the map's iteration order (as Avro),
     * end.
     */
    public void writeStringMap(Map<String, String> map, String field) {
        writeBlockCount(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(Objects.requireNonNull(e.getKey(), field));
            writeString(Objects.requireNonNull(e.getValue(), field));
        }
        writeBlockEnd();
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0, chars = s.length(); i < chars; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < chars
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    n += 4;
                    i++;
                } else {
                    n += 1; // '?'
                }
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static int encodeUtf8(String s, byte[] b, int p) {
        for (int i = 0, chars = s.length(); i < chars; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < chars
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[p++] = (byte) (0xF0 | (cp >> 18));
                    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    b[p++] = '?'; // what String.getBytes(UTF_8), and so Avro, writes for a lone
                    // surrogate
                }
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p;
    }

    private void ensure(int more) {
        int needed = pos + more;
        if (needed > buf.length) {
            // max(): right even when doubling overflows (a payload near 1 GiB is a bug elsewhere
            // anyway).
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        }
    }
}
