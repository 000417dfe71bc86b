package org.sdmstream.job.functions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.sdmstream.features.Behavior;

/**
 * The compact encodings of the sessionizer's state format v2, shared by both state serializers:
 * varints, nullable UTF-8 strings, behaviours with delta-encoded event times, profiles. Changing
 * anything here changes the checkpoint format: add a format version and keep a reader for the old
 * one (as {@link StateFormatV1} does for v1).
 */
final class StateIO {

    private StateIO() {}

    /** Bytes of the scratch buffer a deserializer passes to the readers below (longer strings get their own). */
    static final int SCRATCH_BYTES = 64;

    /**
     * A nullable string: varint (UTF-8 byte length + 1, 0 for null), then the UTF-8 bytes. ASCII (every
     * id we have seen) is written char by char without an intermediate array, and read with one bulk
     * copy into the String; Flink's {@code StringValue} (format v1) went char by char with a
     * thread-local lookup per call, which was about a tenth of the sessionizer's time.
     */
    static void writeString(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        int n = s.length();
        if (isAscii(s, n)) {
            writeVarInt(n + 1, out);
            // Not out.writeBytes(s): Flink 2.2's DataOutputSerializer.writeBytes advances the position twice.
            for (int i = 0; i < n; i++) {
                out.writeByte(s.charAt(i));
            }
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeVarInt(utf8.length + 1, out);
        out.write(utf8);
    }

    private static boolean isAscii(String s, int n) {
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Reads what {@link #writeString} wrote; {@code scratch} is a buffer reused across the strings of one value. */
    static String readString(DataInputView in, byte[] scratch) throws IOException {
        int lengthPlusOne = readVarInt(in);
        if (lengthPlusOne == 0) {
            return null;
        }
        int length = lengthPlusOne - 1;
        if (length == 0) {
            return "";
        }
        byte[] utf8 = scratch;
        if (length > scratch.length) {
            // A corrupt length must fail, not allocate gigabytes (state is read from a DataInputDeserializer).
            if (in instanceof DataInputDeserializer d && length > d.available()) {
                throw new IOException("corrupt state: string of " + length + " bytes, " + d.available() + " left");
            }
            utf8 = new byte[length];
        }
        in.readFully(utf8, 0, length);
        return new String(utf8, 0, length, StandardCharsets.UTF_8);
    }

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

    /** A signed long as a varint, small magnitudes short. Any long round-trips, also as a wrapped difference. */
    static void writeZigZag(long v, DataOutputView out) throws IOException {
        writeVarLong((v << 1) ^ (v >> 63), out);
    }

    static long readZigZag(DataInputView in) throws IOException {
        long z = readVarLong(in);
        return (z >>> 1) ^ -(z & 1);
    }

    /** One behaviour, its event time as a delta to {@code previousTime}; returns its event time. */
    static long writeBehavior(Behavior b, long previousTime, DataOutputView out) throws IOException {
        writeString(b.itemId(), out);
        writeString(b.categoryId(), out);
        writeString(b.brandId(), out);
        writeString(b.shopId(), out);
        writeZigZag(b.eventTime() - previousTime, out);
        return b.eventTime();
    }

    static Behavior readBehavior(long previousTime, DataInputView in, byte[] scratch) throws IOException {
        String item = readString(in, scratch);
        if (item == null) {
            throw new IOException("corrupt state: behaviour without an item id");
        }
        String category = readString(in, scratch);
        String brand = readString(in, scratch);
        String shop = readString(in, scratch);
        return new Behavior(item, category, brand, shop, previousTime + readZigZag(in));
    }

    /** Count, then the behaviours, each time a delta to the previous one (lists are in time order); returns the last time. */
    static long writeBehaviors(List<Behavior> behaviors, long previousTime, DataOutputView out) throws IOException {
        writeVarInt(behaviors.size(), out);
        long prev = previousTime;
        for (int i = 0, n = behaviors.size(); i < n; i++) {
            prev = writeBehavior(behaviors.get(i), prev, out);
        }
        return prev;
    }

    /** Reads what {@link #writeBehaviors} wrote into {@code into}; returns the last event time. */
    static long readBehaviors(List<Behavior> into, long previousTime, DataInputView in, byte[] scratch)
            throws IOException {
        int n = readVarInt(in);
        if (into instanceof ArrayList<Behavior> list) {
            list.ensureCapacity(list.size() + Math.min(n, 1024)); // a corrupt count fails below, not here
        }
        long prev = previousTime;
        for (int i = 0; i < n; i++) {
            Behavior b = readBehavior(prev, in, scratch);
            into.add(b);
            prev = b.eventTime();
        }
        return prev;
    }

    static void writeProfile(Map<String, String> profile, DataOutputView out) throws IOException {
        writeVarInt(profile.size(), out);
        for (Map.Entry<String, String> e : profile.entrySet()) {
            writeString(e.getKey(), out);
            writeString(e.getValue(), out);
        }
    }

    static Map<String, String> readProfile(DataInputView in, byte[] scratch) throws IOException {
        int n = readVarInt(in);
        if (n == 0) {
            return Map.of();
        }
        Map<String, String> profile = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            profile.put(readString(in, scratch), readString(in, scratch));
        }
        return profile;
    }
}
