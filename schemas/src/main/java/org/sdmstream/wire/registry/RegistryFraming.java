package org.sdmstream.wire.registry;

import java.util.OptionalInt;

/**
 * The header of the schema-registry wire format, as Confluent's serializers write it and Apicurio's
 * and Karapace's read it: magic byte {@code 0x00}, the writer schema's registry id as a 4-byte
 * big-endian int, then the Avro binary body (no other framing).
 */
public final class RegistryFraming {

    /** The first byte of every framed payload. */
    public static final byte MAGIC = 0;

    /** Magic byte plus schema id. */
    public static final int HEADER_LENGTH = 5;

    private RegistryFraming() {}

    /** The 5 header bytes naming schema {@code id}. */
    public static byte[] header(int id) {
        return new byte[] {
            MAGIC, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id
        };
    }

    /** The schema id in {@code payload}'s header; empty when it has no registry header. */
    public static OptionalInt schemaId(byte[] payload) {
        if (payload == null || payload.length < HEADER_LENGTH || payload[0] != MAGIC) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(
                ((payload[1] & 0xff) << 24)
                        | ((payload[2] & 0xff) << 16)
                        | ((payload[3] & 0xff) << 8)
                        | (payload[4] & 0xff));
    }
}
