package org.sdmstream.wire;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.sdmstream.wire.fast.SingleObjectEncoder;

/**
 * The Kafka wire format of every record in this project: Avro single-object encoding (two marker
 * bytes {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint of the writer schema, then the Avro
 * binary body); the {@link WireFormat#SINGLE_OBJECT} format. There is no schema registry: a reader
 * knows its own schema plus the older versions it was given, and resolves a payload written with
 * any of them to the current class.
 *
 * <p>Types with a hand-written writer ({@link SingleObjectEncoder}: the job's outputs and clicks)
 * are encoded by it, byte-identical and faster; the others, or a type whose schema changed since
 * its writer was written, go through Avro's generic writer. Decoding is always Avro's.
 *
 * <p>Not thread-safe (Avro's encoder and decoder reuse buffers); create one per thread or operator.
 */
public final class AvroCodec<T extends SpecificRecord> implements RecordCodec<T> {

    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;

    /** Null when the type has no up-to-date hand-written writer. */
    private final SingleObjectEncoder<T> fastEncoder;

    private final BinaryMessageDecoder<T> decoder;
    private final int olderVersions;

    /**
     * A codec for {@code type} that also reads payloads written with {@code olderSchemas} (earlier
     * versions of the same record; Avro schema resolution fills new fields from their defaults).
     */
    public AvroCodec(Class<T> type, List<Schema> olderSchemas) {
        this.type = Objects.requireNonNull(type, "type");
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.olderVersions = olderSchemas.size();
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.fastEncoder = SingleObjectEncoder.forType(type, schema).orElse(null);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        for (Schema older : olderSchemas) {
            decoder.addSchema(older);
        }
    }

    /** A codec that reads only payloads written with the current schema of {@code type}. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type, List.of());
    }

    /** Encodes one record: header with the schema fingerprint, then the Avro binary body. */
    @Override
    public byte[] encode(T record) {
        try {
            if (fastEncoder != null) {
                return fastEncoder.encode(record);
            }
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one payload.
     *
     * @throws WireFormatException with {@link WireFormatException.Kind#UNKNOWN_SCHEMA} when the
     *     payload's writer schema is not known to this codec, {@link
     *     WireFormatException.Kind#NOT_SINGLE_OBJECT} when it lacks the single-object header, and
     *     {@link WireFormatException.Kind#CORRUPT} when the body does not parse
     */
    @Override
    public T decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw new WireFormatException(
                    WireFormatException.Kind.NOT_SINGLE_OBJECT,
                    "empty payload where a " + type.getSimpleName() + " was expected");
        }
        try {
            return decoder.decode(payload);
        } catch (MissingSchemaException e) {
            throw new WireFormatException(
                    WireFormatException.Kind.UNKNOWN_SCHEMA,
                    "no known "
                            + type.getSimpleName()
                            + " schema has fingerprint "
                            + fingerprintOf(payload)
                            + " (this reader knows the current schema and "
                            + olderVersions
                            + " older version(s))",
                    e);
        } catch (BadHeaderException e) {
            throw new WireFormatException(
                    WireFormatException.Kind.NOT_SINGLE_OBJECT,
                    "not an Avro single-object payload (" + e.getMessage() + ")",
                    e);
        } catch (IOException | RuntimeException e) {
            // Avro reports a malformed body as IOException or assorted runtime exceptions (EOF, bad
            // lengths, index out of bounds); to a caller they all mean the same thing.
            throw new WireFormatException(
                    WireFormatException.Kind.CORRUPT,
                    "corrupt "
                            + type.getSimpleName()
                            + " payload of "
                            + payload.length
                            + " bytes: "
                            + e,
                    e);
        }
    }

    /** The schema records are written with. */
    @Override
    public Schema schema() {
        return schema;
    }

    public Class<T> type() {
        return type;
    }

    /** Whether {@link #encode} uses a hand-written writer rather than Avro's generic one. */
    public boolean fastEncoding() {
        return fastEncoder != null;
    }

    /**
     * The writer-schema fingerprint in the header of a single-object payload (CRC-64-AVRO of the
     * parsing form, as {@code SchemaNormalization.parsingFingerprint64}); empty when {@code
     * payload} is not one.
     */
    public static OptionalLong writerFingerprint(byte[] payload) {
        if (payload == null
                || payload.length < 10
                || payload[0] != (byte) 0xC3
                || payload[1] != 0x01) {
            return OptionalLong.empty();
        }
        long fingerprint = 0;
        for (int i = 9; i >= 2; i--) { // little-endian
            fingerprint = (fingerprint << 8) | (payload[i] & 0xff);
        }
        return OptionalLong.of(fingerprint);
    }

    /** The fingerprint as hex, when the payload is long enough to carry one. */
    static String fingerprintOf(byte[] payload) {
        OptionalLong fingerprint = writerFingerprint(payload);
        return fingerprint.isPresent()
                ? String.format("0x%016x", fingerprint.getAsLong())
                : "(payload too short)";
    }
}
