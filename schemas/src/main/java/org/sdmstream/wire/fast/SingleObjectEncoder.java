package org.sdmstream.wire.fast;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;

/**
 * Encodes records of one type in Avro single-object encoding ({@code C3 01}, the writer schema's
 * CRC-64-AVRO fingerprint little-endian, the binary body) through a hand-written {@link
 * RecordBodyWriter} into one reused buffer, byte-identical to Avro's {@code BinaryMessageEncoder}
 * and about five times faster (docs/benchmarks-encoding.md).
 *
 * <p>Why: the generated classes use the timestamp-millis logical type, so Avro gives them no custom
 * coders, and its generic reflective writer took about a quarter of the streaming job's sessionizer
 * thread. Not thread-safe (one buffer); create one per thread or operator.
 */
public final class SingleObjectEncoder<T extends SpecificRecord> {

    private static final System.Logger LOG = System.getLogger(SingleObjectEncoder.class.getName());

    /** Every hand-written writer; a type not listed here is encoded by Avro's generic path. */
    private static final Map<Class<?>, RecordBodyWriter<?>> WRITERS =
            Map.of(
                    SessionFeatures.class, new SessionFeaturesWriter(),
                    UserInterestVector.class, new UserInterestVectorWriter(),
                    ClickEvent.class, new ClickEventWriter());

    private final byte[] header;
    private final RecordBodyWriter<T> body;
    private final AvroBinaryWriter out = new AvroBinaryWriter();

    private SingleObjectEncoder(Schema schema, RecordBodyWriter<T> body) {
        this.body = body;
        byte[] fingerprint = wireFingerprint(schema);
        this.header = new byte[2 + fingerprint.length];
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        System.arraycopy(fingerprint, 0, header, 2, fingerprint.length);
    }

    /**
     * The fast encoder of {@code type} written with {@code schema} (the generated class's schema),
     * or empty when {@code type} has no hand-written writer or its writer was written for another
     * version of the schema (then the caller keeps to Avro's generic path, which is always right).
     */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> Optional<SingleObjectEncoder<T>> forType(
            Class<T> type, Schema schema) {
        RecordBodyWriter<T> writer = (RecordBodyWriter<T>) WRITERS.get(type);
        if (writer == null) {
            return Optional.empty();
        }
        long current = schemaFingerprint(schema);
        if (current != writer.writtenForSchema()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0} was written for another {1} schema (fingerprint 0x{2}, the "
                            + "schema now has 0x{3}); encoding {1} with the generic Avro writer until it is updated",
                    writer.getClass().getSimpleName(),
                    type.getSimpleName(),
                    Long.toHexString(writer.writtenForSchema()),
                    Long.toHexString(current));
            return Optional.empty();
        }
        return Optional.of(new SingleObjectEncoder<>(schema, writer));
    }

    /**
     * The fingerprint that ties a writer to a schema: CRC-64-AVRO of the schema's full JSON.
     * Stricter than the wire fingerprint (of the Parsing Canonical Form), which ignores logical
     * types: a change from timestamp-millis to timestamp-micros keeps the wire fingerprint but
     * changes the bytes to write. Edits that do not change the bytes (docs, defaults) also change
     * it; the writer is then re-checked, not trusted.
     */
    public static long schemaFingerprint(Schema schema) {
        return SchemaNormalization.fingerprint64(
                schema.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The hand-written writers by record type (for the test that pins their schemas). */
    static Map<Class<?>, RecordBodyWriter<?>> writers() {
        return WRITERS;
    }

    /** One payload: header, then the record's body. */
    public byte[] encode(T record) {
        out.reset();
        out.writeRaw(header);
        body.write(record, out);
        return out.toByteArray();
    }

    private static byte[] wireFingerprint(Schema schema) {
        try {
            return SchemaNormalization.parsingFingerprint(
                    "CRC-64-AVRO", schema); // little-endian, as Avro writes it
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("Avro lost its own CRC-64-AVRO fingerprint", e);
        }
    }
}
