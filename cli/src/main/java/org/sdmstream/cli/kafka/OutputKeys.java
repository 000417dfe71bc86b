package org.sdmstream.cli.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;

/**
 * Reads only the user id and event time of a job output (session features or user vector), which is
 * what matches an output to its click for latency. It decodes with an Avro projection (a reader
 * schema of just those two fields), so the rest of the record is skipped instead of built: a
 * session-features record carries up to 70 behaviours, and decoding them whole took CPU the
 * measured pipeline needed.
 */
final class OutputKeys {

    /** An output's user id and event time (epoch millis). */
    record Key(String userId, long eventTime) {}

    private final Map<Long, BinaryMessageDecoder<GenericRecord>> byFingerprint = new HashMap<>();

    OutputKeys() {
        for (Class<?> type : List.of(SessionFeatures.class, UserInterestVector.class)) {
            Schema writer = SpecificData.get().getSchema(type);
            Schema projection =
                    SchemaBuilder.record(writer.getName())
                            .namespace(writer.getNamespace())
                            .fields()
                            .requiredString("userId")
                            .requiredLong("eventTime")
                            .endRecord();
            BinaryMessageDecoder<GenericRecord> decoder =
                    new BinaryMessageDecoder<>(GenericData.get(), projection);
            decoder.addSchema(writer);
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(writer), decoder);
        }
    }

    /**
     * The key of {@code payload}; null when it is not a known output (or not an Avro single
     * object).
     */
    Key read(byte[] payload) {
        OptionalLong fingerprint = AvroCodec.writerFingerprint(payload);
        BinaryMessageDecoder<GenericRecord> decoder =
                fingerprint.isPresent() ? byFingerprint.get(fingerprint.getAsLong()) : null;
        if (decoder == null) {
            return null;
        }
        try {
            GenericRecord r = decoder.decode(payload);
            return new Key(r.get("userId").toString(), (Long) r.get("eventTime"));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
