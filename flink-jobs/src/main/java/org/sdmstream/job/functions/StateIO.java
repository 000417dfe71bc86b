package org.sdmstream.job.functions;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.sdmstream.features.Behavior;

/**
 * The compact encodings shared by the sessionizer's state serializers: nullable strings, varints,
 * behaviours with delta-encoded event times. Changing anything here changes the checkpoint format:
 * bump the serializers' snapshot versions and keep a reader for the old format.
 */
final class StateIO {

    private StateIO() {}

    static void writeString(String s, DataOutputView out) throws IOException {
        StringValue.writeString(s, out); // null-safe
    }

    static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
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

    static void writeZigZag(long v, DataOutputView out) throws IOException {
        writeVarLong((v << 1) ^ (v >> 63), out);
    }

    static long readZigZag(DataInputView in) throws IOException {
        long z = readVarLong(in);
        return (z >>> 1) ^ -(z & 1);
    }

    /** Writes behaviours with each event time as a delta to the previous one (lists are in time order). */
    static long writeBehaviors(List<Behavior> behaviors, long previousTime, DataOutputView out) throws IOException {
        writeVarInt(behaviors.size(), out);
        long prev = previousTime;
        for (Behavior b : behaviors) {
            writeString(b.itemId(), out);
            writeString(b.categoryId(), out);
            writeString(b.brandId(), out);
            writeString(b.shopId(), out);
            writeZigZag(b.eventTime() - prev, out);
            prev = b.eventTime();
        }
        return prev;
    }

    /** Reads what {@link #writeBehaviors} wrote into {@code into}; returns the last event time. */
    static long readBehaviors(List<Behavior> into, long previousTime, DataInputView in) throws IOException {
        int n = readVarInt(in);
        long prev = previousTime;
        for (int i = 0; i < n; i++) {
            String item = readString(in);
            String category = readString(in);
            String brand = readString(in);
            String shop = readString(in);
            prev += readZigZag(in);
            into.add(new Behavior(item, category, brand, shop, prev));
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

    static Map<String, String> readProfile(DataInputView in) throws IOException {
        int n = readVarInt(in);
        if (n == 0) {
            return Map.of();
        }
        Map<String, String> profile = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            profile.put(readString(in), readString(in));
        }
        return profile;
    }
}
