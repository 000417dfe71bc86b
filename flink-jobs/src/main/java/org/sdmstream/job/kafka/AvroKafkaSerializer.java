package org.sdmstream.job.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.sdmstream.wire.AvroCodec;

/**
 * Writes records of one Avro type to one topic in the project's wire format ({@link AvroCodec},
 * single-object encoding), keyed by a string taken from the record (e.g. the user id) or by raw bytes.
 * The Kafka timestamp is left to the producer (wall clock): records carry their event time inside,
 * and old event times as Kafka timestamps would let retention delete a replay's output at once.
 */
public final class AvroKafkaSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Class<T> type;
    private final SerializableFunction<T, byte[]> key;
    private transient AvroCodec<T> codec;

    private AvroKafkaSerializer(String topic, Class<T> type, SerializableFunction<T, byte[]> key) {
        this.topic = topic;
        this.type = type;
        this.key = key;
    }

    /** Records keyed by a string field, UTF-8 encoded (null key when the function returns null). */
    public static <T extends SpecificRecord> AvroKafkaSerializer<T> keyedBy(
            String topic, Class<T> type, SerializableFunction<T, String> stringKey) {
        return new AvroKafkaSerializer<>(topic, type, r -> {
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
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = AvroCodec.of(type);
        }
        return new ProducerRecord<>(topic, null, null, key.apply(element), codec.encode(element));
    }

    public String topic() {
        return topic;
    }
}
