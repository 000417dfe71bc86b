package org.sdmstream.cli.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.records.UserRecommendations;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.wire.WireFormatException;
import org.sdmstream.wire.WireSettings;
import org.sdmstream.wire.registry.RegistryCodec;
import org.sdmstream.wire.registry.RegistryFraming;
import org.sdmstream.wire.registry.RegistryLookupException;
import org.sdmstream.wire.registry.SchemaRegistryClient;

/**
 * Decodes any record the pipeline writes (clicks, session features, user interest vectors,
 * recommendations, dead letters) without being told its type: the Avro single-object header carries
 * the writer schema's fingerprint, which picks the class; a registry header carries a schema id,
 * whose registered schema's name picks it. Not thread-safe, like {@link AvroCodec}.
 */
public final class KnownRecords {

    /** Every record class found on the pipeline's topics. */
    public static final List<Class<? extends SpecificRecord>> TYPES =
            List.of(
                    ClickEvent.class,
                    SessionFeatures.class,
                    UserInterestVector.class,
                    UserRecommendations.class,
                    DeadLetter.class);

    private final Map<Long, AvroCodec<? extends SpecificRecord>> byFingerprint = new HashMap<>();

    /** Null unless reading the registry format. */
    private final SchemaRegistryClient registry;

    private final Map<String, RegistryCodec<? extends SpecificRecord>> byRecordName =
            new HashMap<>();

    /** Reads single-object payloads. */
    public KnownRecords() {
        this(WireSettings.SINGLE_OBJECT);
    }

    /** Reads payloads in {@code wire}'s format. */
    public KnownRecords(WireSettings wire) {
        this.registry =
                wire.format() == org.sdmstream.wire.WireFormat.REGISTRY ? wire.client() : null;
        for (Class<? extends SpecificRecord> type : TYPES) {
            if (registry != null) {
                byRecordName.put(
                        org.apache.avro.specific.SpecificData.get().getSchema(type).getFullName(),
                        new RegistryCodec<>(type, registry, "unused-by-a-reader"));
            }
        }
        for (Class<? extends SpecificRecord> type : TYPES) {
            AvroCodec<? extends SpecificRecord> codec = AvroCodec.of(type);
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(codec.schema()), codec);
        }
    }

    /**
     * The record in {@code payload}.
     *
     * @throws WireFormatException when the payload is not single-object encoded, its schema is none
     *     of {@link #TYPES}, or its body does not parse
     */
    public SpecificRecord decode(byte[] payload) {
        if (registry != null) {
            return decodeRegistryFramed(payload);
        }
        OptionalLong header = AvroCodec.writerFingerprint(payload);
        if (header.isEmpty()) {
            throw new WireFormatException(
                    WireFormatException.Kind.NOT_SINGLE_OBJECT,
                    "not an Avro single-object payload ("
                            + (payload == null ? "null" : payload.length + " bytes")
                            + ")");
        }
        long fingerprint = header.getAsLong();
        AvroCodec<? extends SpecificRecord> codec = byFingerprint.get(fingerprint);
        if (codec == null) {
            throw new WireFormatException(
                    WireFormatException.Kind.UNKNOWN_SCHEMA,
                    String.format(
                            "schema fingerprint 0x%016x is none of %s",
                            fingerprint, TYPES.stream().map(Class::getSimpleName).toList()));
        }
        return codec.decode(payload);
    }

    private SpecificRecord decodeRegistryFramed(byte[] payload) {
        OptionalInt id = RegistryFraming.schemaId(payload);
        if (id.isEmpty()) {
            throw new WireFormatException(
                    WireFormatException.Kind.NOT_REGISTRY_FRAMED,
                    "no schema-registry header ("
                            + (payload == null ? "null" : payload.length + " bytes")
                            + ")");
        }
        String name;
        try {
            name = registry.schemaById(id.getAsInt()).getFullName();
        } catch (RegistryLookupException e) {
            throw new WireFormatException(
                    e.problem() == RegistryLookupException.Problem.NOT_FOUND
                            ? WireFormatException.Kind.UNKNOWN_SCHEMA_ID
                            : WireFormatException.Kind.REGISTRY_UNAVAILABLE,
                    e.getMessage(),
                    e);
        }
        RegistryCodec<? extends SpecificRecord> codec = byRecordName.get(name);
        if (codec == null) {
            throw new WireFormatException(
                    WireFormatException.Kind.INCOMPATIBLE_SCHEMA,
                    "schema id "
                            + id.getAsInt()
                            + " is a "
                            + name
                            + ", none of "
                            + TYPES.stream().map(Class::getSimpleName).toList());
        }
        return codec.decode(payload);
    }
}
