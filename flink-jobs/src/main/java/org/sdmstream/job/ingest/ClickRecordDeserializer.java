package org.sdmstream.job.ingest;

import java.time.Duration;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.wire.RecordCodec;
import org.sdmstream.wire.WireFormatException;
import org.sdmstream.wire.WireSettings;

/**
 * Turns each Kafka record of the clicks topic into a {@link DecodedClick}: a validated click, or a
 * dead letter with the record's coordinates, raw bytes and reason. It never throws, so bad input
 * can neither fail the job nor be lost, and watermarks stay in the source (per partition). Payloads
 * are in the topic's {@link WireSettings wire format}; with the registry format an unknown id, an
 * unreachable registry and an incompatible writer schema are dead letters too, never a restart.
 */
public final class ClickRecordDeserializer
        implements KafkaRecordDeserializationSchema<DecodedClick> {

    private static final long serialVersionUID = 1L;

    private final ClickValidator validator;

    /**
     * Older ClickEvent writer schemas (as JSON, since this object is serialized into the job
     * graph).
     */
    private final List<String> olderSchemas;

    private final WireSettings wire;
    private final String topic;
    private transient RecordCodec<ClickEvent> codec;

    /** Single-object payloads, read with the current schema and {@code olderSchemas}. */
    public ClickRecordDeserializer(ClickValidator validator, List<String> olderSchemas) {
        this(validator, olderSchemas, WireSettings.SINGLE_OBJECT, "clicks");
    }

    /**
     * Payloads of {@code topic} in the {@code wire} format (single-object ones also in {@code
     * olderSchemas}).
     */
    public ClickRecordDeserializer(
            ClickValidator validator, List<String> olderSchemas, WireSettings wire, String topic) {
        this.validator = validator;
        this.olderSchemas = List.copyOf(olderSchemas);
        this.wire = wire;
        this.topic = topic;
    }

    public ClickRecordDeserializer(Duration maxFuture, int maxIdLength) {
        this(new ClickValidator(maxFuture, maxIdLength), List.of());
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        codec();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedClick> out) {
        out.collect(decode(record, System.currentTimeMillis()));
    }

    /** The decision for one record at wall-clock time {@code nowMillis}. */
    public DecodedClick decode(ConsumerRecord<byte[], byte[]> record, long nowMillis) {
        ClickEvent click;
        try {
            if (record.value() == null) {
                return dead(
                        record,
                        DeadLetterReason.UNDECODABLE,
                        "record without a value (tombstone)",
                        nowMillis);
            }
            click = codec().decode(record.value());
        } catch (WireFormatException e) {
            return dead(record, reasonOf(e.kind()), e.getMessage(), nowMillis);
        } catch (RuntimeException e) {
            return dead(record, DeadLetterReason.UNDECODABLE, "cannot decode: " + e, nowMillis);
        }
        // "Now" for the max-future check is the later of this TaskManager's clock and the record's
        // Kafka
        // timestamp (the broker's append time, or the producer's create time): a TaskManager whose
        // clock is
        // behind must not turn all traffic into dead letters.
        ClickValidator.Rejection rejection =
                validator.check(click, Math.max(nowMillis, record.timestamp()));
        if (rejection != null) {
            return dead(record, rejection.reason(), rejection.detail(), nowMillis);
        }
        return DecodedClick.ofClick(click, record.partition());
    }

    static DeadLetterReason reasonOf(WireFormatException.Kind kind) {
        return switch (kind) {
            case UNKNOWN_SCHEMA -> DeadLetterReason.UNKNOWN_SCHEMA;
            case UNKNOWN_SCHEMA_ID -> DeadLetterReason.UNKNOWN_SCHEMA_ID;
            case REGISTRY_UNAVAILABLE -> DeadLetterReason.REGISTRY_UNAVAILABLE;
            case INCOMPATIBLE_SCHEMA -> DeadLetterReason.INCOMPATIBLE_SCHEMA;
            case NOT_SINGLE_OBJECT, NOT_REGISTRY_FRAMED, CORRUPT -> DeadLetterReason.UNDECODABLE;
        };
    }

    private static DecodedClick dead(
            ConsumerRecord<byte[], byte[]> record,
            DeadLetterReason reason,
            String detail,
            long now) {
        return DecodedClick.ofDeadLetter(DeadLetters.of(record, reason, detail, now));
    }

    private RecordCodec<ClickEvent> codec() {
        if (codec == null) {
            List<Schema> older =
                    olderSchemas.stream().map(s -> new Schema.Parser().parse(s)).toList();
            codec = wire.codec(ClickEvent.class, topic, older);
        }
        return codec;
    }

    @Override
    public TypeInformation<DecodedClick> getProducedType() {
        return TypeInformation.of(DecodedClick.class);
    }
}
