package org.sdmstream.cli.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.wire.registry.RegistryFraming;

/**
 * Reads only the user id and event time of a job output (session features or user vector), which is
 * what matches an output to its click for latency. It decodes with an Avro projection (a reader
 * schema of just those two fields), so the rest of the record is skipped instead of built: a
 * session-features record carries up to 70 behaviours, and decoding them whole took CPU the
 * measured pipeline needed. Reads single-object payloads, or registry-framed ones when given where
 * the registry's schemas come from.
 */
final class OutputKeys {

    /** An output's user id and event time (epoch millis). */
    record Key(String userId, long eventTime) {}

    private static final List<Schema> OUTPUT_SCHEMAS =
            List.of(SessionFeatures.getClassSchema(), UserInterestVector.getClassSchema());

    private final Map<Long, BinaryMessageDecoder<GenericRecord>> byFingerprint = new HashMap<>();

    /** Null for single-object payloads. */
    private final IntFunction<Schema> registrySchemas;

    /** Per registry schema id: the projecting reader, or empty for a record that is no output. */
    private final Map<Integer, Optional<GenericDatumReader<GenericRecord>>> byId = new HashMap<>();

    private BinaryDecoder decoder;

    /** Reads single-object payloads. */
    OutputKeys() {
        this(null);
    }

    /**
     * Reads registry-framed payloads, the writer schema of each id from {@code registrySchemas}
     * (e.g. {@code SchemaRegistryClient::schemaById}); null reads single-object payloads.
     */
    OutputKeys(IntFunction<Schema> registrySchemas) {
        this.registrySchemas = registrySchemas;
        for (Schema writer : OUTPUT_SCHEMAS) {
            BinaryMessageDecoder<GenericRecord> decoder =
                    new BinaryMessageDecoder<>(GenericData.get(), projection(writer));
            decoder.addSchema(writer);
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(writer), decoder);
        }
    }

    /**
     * The key of {@code payload}; null when it is not a known output (or not in the expected
     * format).
     */
    Key read(byte[] payload) {
        return registrySchemas == null ? readSingleObject(payload) : readRegistryFramed(payload);
    }

    private Key readSingleObject(byte[] payload) {
        OptionalLong fingerprint = AvroCodec.writerFingerprint(payload);
        BinaryMessageDecoder<GenericRecord> decoder =
                fingerprint.isPresent() ? byFingerprint.get(fingerprint.getAsLong()) : null;
        if (decoder == null) {
            return null;
        }
        try {
            return key(decoder.decode(payload));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private Key readRegistryFramed(byte[] payload) {
        OptionalInt id = RegistryFraming.schemaId(payload);
        if (id.isEmpty()) {
            return null;
        }
        try {
            Optional<GenericDatumReader<GenericRecord>> reader =
                    byId.computeIfAbsent(id.getAsInt(), this::projectingReader);
            if (reader.isEmpty()) {
                return null;
            }
            decoder =
                    DecoderFactory.get()
                            .binaryDecoder(
                                    payload,
                                    RegistryFraming.HEADER_LENGTH,
                                    payload.length - RegistryFraming.HEADER_LENGTH,
                                    decoder);
            return key(reader.get().read(null, decoder));
        } catch (java.io.IOException | RuntimeException e) {
            // An unknown id or an unreachable registry is not remembered: a later record may have
            // the schema.
            return null;
        }
    }

    private Optional<GenericDatumReader<GenericRecord>> projectingReader(int id) {
        Schema writer = registrySchemas.apply(id);
        boolean output =
                OUTPUT_SCHEMAS.stream().anyMatch(s -> s.getFullName().equals(writer.getFullName()));
        return output
                ? Optional.of(new GenericDatumReader<>(writer, projection(writer)))
                : Optional.empty();
    }

    /** A reader schema of just the two fields, under the writer's name so that Avro resolves it. */
    private static Schema projection(Schema writer) {
        return SchemaBuilder.record(writer.getName())
                .namespace(writer.getNamespace())
                .fields()
                .requiredString("userId")
                .requiredLong("eventTime")
                .endRecord();
    }

    private static Key key(GenericRecord r) {
        return new Key(r.get("userId").toString(), (Long) r.get("eventTime"));
    }
}
