package org.sdmstream.wire.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.sdmstream.wire.RecordCodec;
import org.sdmstream.wire.WireFormat;
import org.sdmstream.wire.WireFormatException;
import org.sdmstream.wire.fast.SingleObjectEncoder;

/**
 * Records of one Avro type in the {@link WireFormat#REGISTRY} format ({@link RegistryFraming}:
 * {@code 00}, schema id, body). A writer registers its schema under its subject once, on the first
 * record or {@link #writerSchemaId()}; a reader fetches each writer schema by id once and resolves
 * it against the current class, so any registered version that resolves is read, and the per-record
 * path never waits for the registry after the first record of an id.
 *
 * <p>Not thread-safe (buffers and resolvers are reused); create one per thread or operator.
 */
public final class RegistryCodec<T extends SpecificRecord> implements RecordCodec<T> {

    /**
     * Single-object header the fast writer puts before the body (2 marker bytes, 8 fingerprint
     * bytes).
     */
    private static final int SINGLE_OBJECT_HEADER = 10;

    private final Class<T> type;
    private final Schema schema;
    private final SpecificData model;
    private final SchemaRegistryClient registry;
    private final String subject;

    /** Null when the type has no up-to-date hand-written writer. */
    private final SingleObjectEncoder<T> fastEncoder;

    private final SpecificDatumWriter<T> writer;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;
    private byte[] header;

    /** A resolving reader per writer schema id, or the reason that id can never be read. */
    private final Map<Integer, Object> readers = new HashMap<>();

    /** A codec for {@code type} that writes under {@code subject} (e.g. {@code clicks-value}). */
    public RegistryCodec(Class<T> type, SchemaRegistryClient registry, String subject) {
        this.type = Objects.requireNonNull(type, "type");
        this.model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.fastEncoder = SingleObjectEncoder.forType(type, schema).orElse(null);
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    /**
     * The registry id of this codec's schema under its subject, registered on the first call.
     *
     * @throws RegistryLookupException when the registry is unreachable or refuses the schema
     */
    public int writerSchemaId() {
        if (header == null) {
            header = RegistryFraming.header(registry.register(subject, schema));
        }
        return RegistryFraming.schemaId(header).getAsInt();
    }

    @Override
    public byte[] encode(T record) {
        writerSchemaId();
        try {
            if (fastEncoder != null) {
                byte[] singleObject = fastEncoder.encode(record);
                byte[] out =
                        new byte
                                [RegistryFraming.HEADER_LENGTH
                                        + singleObject.length
                                        - SINGLE_OBJECT_HEADER];
                System.arraycopy(header, 0, out, 0, RegistryFraming.HEADER_LENGTH);
                System.arraycopy(
                        singleObject,
                        SINGLE_OBJECT_HEADER,
                        out,
                        RegistryFraming.HEADER_LENGTH,
                        singleObject.length - SINGLE_OBJECT_HEADER);
                return out;
            }
            buffer.reset();
            buffer.write(header);
            encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
            writer.write(record, encoder);
            encoder.flush();
            return buffer.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @throws WireFormatException {@code NOT_REGISTRY_FRAMED} without the header, {@code
     *     UNKNOWN_SCHEMA_ID}, {@code REGISTRY_UNAVAILABLE}, {@code INCOMPATIBLE_SCHEMA} when the
     *     writer schema does not resolve against the current one, {@code CORRUPT} when the body
     *     does not parse
     */
    @Override
    @SuppressWarnings("unchecked")
    public T decode(byte[] payload) {
        OptionalInt id = RegistryFraming.schemaId(payload);
        if (id.isEmpty()) {
            throw new WireFormatException(
                    WireFormatException.Kind.NOT_REGISTRY_FRAMED,
                    "no schema-registry header (magic byte 0, 4-byte schema id) in a payload of "
                            + (payload == null ? "null" : payload.length + " bytes"));
        }
        Object reader = readers.computeIfAbsent(id.getAsInt(), this::readerFor);
        if (reader instanceof WireFormatException incompatible) {
            throw incompatible;
        }
        try {
            decoder =
                    DecoderFactory.get()
                            .binaryDecoder(
                                    payload,
                                    RegistryFraming.HEADER_LENGTH,
                                    payload.length - RegistryFraming.HEADER_LENGTH,
                                    decoder);
            return ((SpecificDatumReader<T>) reader).read(null, decoder);
        } catch (IOException | RuntimeException e) {
            // Avro reports a malformed body as IOException or assorted runtime exceptions.
            throw new WireFormatException(
                    WireFormatException.Kind.CORRUPT,
                    "corrupt "
                            + type.getSimpleName()
                            + " payload of "
                            + payload.length
                            + " bytes (schema id "
                            + id.getAsInt()
                            + "): "
                            + e,
                    e);
        }
    }

    /**
     * A resolving reader for writer schema {@code id}, or the permanent reason why there is none.
     */
    private Object readerFor(int id) {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (RegistryLookupException e) {
            // Not cached: a lookup that failed is retried (after the client's retry-after) with a
            // later record.
            throw new WireFormatException(
                    e.problem() == RegistryLookupException.Problem.NOT_FOUND
                            ? WireFormatException.Kind.UNKNOWN_SCHEMA_ID
                            : WireFormatException.Kind.REGISTRY_UNAVAILABLE,
                    e.getMessage(),
                    e);
        }
        SchemaCompatibility.SchemaPairCompatibility check =
                SchemaCompatibility.checkReaderWriterCompatibility(schema, writerSchema);
        if (check.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return new WireFormatException(
                    WireFormatException.Kind.INCOMPATIBLE_SCHEMA,
                    "schema id "
                            + id
                            + " ("
                            + writerSchema.getFullName()
                            + ") does not resolve against this reader's "
                            + type.getSimpleName()
                            + ": "
                            + check.getResult().getIncompatibilities());
        }
        return new SpecificDatumReader<T>(writerSchema, schema, model);
    }

    @Override
    public Schema schema() {
        return schema;
    }

    public String subject() {
        return subject;
    }
}
