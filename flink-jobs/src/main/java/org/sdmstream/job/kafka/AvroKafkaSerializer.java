package org.sdmstream.job.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.sdmstream.wire.RecordCodec;
import org.sdmstream.wire.WireSettings;
import org.sdmstream.wire.registry.RegistryCodec;

/**
 * Writes records of one Avro type to one topic in the topic's {@link WireSettings wire format}
 * (single-object encoding, or the registry format, whose schema is registered or looked up when the
 * sink opens, so a registry that refuses it fails the job at start), keyed by a string taken from
 * the record (e.g. the user id) or by raw bytes. The Kafka timestamp is left to the producer (wall
 * clock): records carry their event time inside, and old event times as Kafka timestamps would let
 * retention delete a replay's output at once.
 */
public final class AvroKafkaSerializer<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Class<T> type;
    private final SerializableFunction<T, byte[]> key;
    private WireSettings wire = WireSettings.SINGLE_OBJECT;
    private transient RecordCodec<T> codec;

    private AvroKafkaSerializer(String topic, Class<T> type, SerializableFunction<T, byte[]> key) {
        this.topic = topic;
        this.type = type;
        this.key = key;
    }

    /** This serializer writing in {@code wire}'s format instead of single-object encoding. */
    public AvroKafkaSerializer<T> inFormat(WireSettings wire) {
        this.wire = wire;
        return this;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
            throws Exception {
        if (codec() instanceof RegistryCodec<T> registry) {
            registry.writerSchemaId();
        }
    }

    /** Records keyed by a string field, UTF-8 encoded (null key when the function returns null). */
    public static <T extends SpecificRecord> AvroKafkaSerializer<T> keyedBy(
            String topic, Class<T> type, SerializableFunction<T, String> stringKey) {
        return new AvroKafkaSerializer<>(
                topic,
                type,
                r -> {
                    String k = stringKey.apply(r);
                    return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
                });
    }

    /** Records keyed by raw bytes taken from the record (e.g. a dead letter's original key). */
    public static <T extends SpecificRecord> AvroKafkaSerializer<T> keyedByBytes(
            String topic, Class<T> type, SerializableFunction<T, byte[]> bytesKey) {
        return new AvroKafkaSerializer<>(topic, type, bytesKey);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, null, key.apply(element), codec().encode(element));
    }

    private RecordCodec<T> codec() {
        if (codec == null) {
            codec = wire.codec(type, topic, List.of());
        }
        return codec;
    }

    public String topic() {
        return topic;
    }
}
