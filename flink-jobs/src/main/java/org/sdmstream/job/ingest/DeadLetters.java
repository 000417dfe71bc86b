package org.sdmstream.job.ingest;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.sdmstream.records.DeadLetter;

/**
 * Builds {@link DeadLetter} records that keep the raw bytes and the source coordinates of what was
 * refused.
 */
public final class DeadLetters {

    /**
     * Raw keys and values are kept up to this size. A dead letter must fit the sink's producer and
     * the dead-letter topic (1 MB by default): a refused record of megabytes would otherwise fail
     * the sink, and the job would crash-loop on it. The truncated record is still whole in the
     * source topic at the partition and offset the dead letter names.
     */
    public static final int MAX_RAW_BYTES = 256 * 1024;

    private DeadLetters() {}

    /** A dead letter for a Kafka record, with its topic, partition, offset, key and value bytes. */
    public static DeadLetter of(
            ConsumerRecord<byte[], byte[]> record,
            DeadLetterReason reason,
            String detail,
            long nowMillis) {
        return DeadLetter.newBuilder()
                .setSourceTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setKey(wrap(record.key()))
                .setValue(wrap(record.value()))
                .setReason(reason.name())
                .setDetail(detail + truncationNote(record.key(), record.value()))
                .setTime(Instant.ofEpochMilli(nowMillis))
                .build();
    }

    /**
     * A dead letter for a record (a click, a model input) refused inside the job, where the Kafka
     * coordinates are gone (-1).
     */
    public static DeadLetter ofEncodedClick(
            String sourceTopic,
            byte[] key,
            byte[] value,
            DeadLetterReason reason,
            String detail,
            long nowMillis) {
        return DeadLetter.newBuilder()
                .setSourceTopic(sourceTopic)
                .setPartition(-1)
                .setOffset(-1)
                .setKey(wrap(key))
                .setValue(wrap(value))
                .setReason(reason.name())
                .setDetail(detail + truncationNote(key, value))
                .setTime(Instant.ofEpochMilli(nowMillis))
                .build();
    }

    /**
     * A dead letter for a model input the scorer refused ({@link DeadLetterReason#SCORING_FAILED}):
     * the encoded SessionFeatures under {@code inputTopic}, the topic that carries that record
     * type.
     */
    public static DeadLetter ofModelInput(
            String inputTopic, byte[] key, byte[] value, String detail, long nowMillis) {
        return ofEncodedClick(
                inputTopic, key, value, DeadLetterReason.SCORING_FAILED, detail, nowMillis);
    }

    private static ByteBuffer wrap(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        return ByteBuffer.wrap(
                bytes.length > MAX_RAW_BYTES
                        ? java.util.Arrays.copyOf(bytes, MAX_RAW_BYTES)
                        : bytes);
    }

    private static String truncationNote(byte[] key, byte[] value) {
        StringBuilder note = new StringBuilder();
        if (key != null && key.length > MAX_RAW_BYTES) {
            note.append("; key truncated to ")
                    .append(MAX_RAW_BYTES)
                    .append(" of ")
                    .append(key.length)
                    .append(" bytes");
        }
        if (value != null && value.length > MAX_RAW_BYTES) {
            note.append("; value truncated to ")
                    .append(MAX_RAW_BYTES)
                    .append(" of ")
                    .append(value.length)
                    .append(" bytes");
        }
        return note.toString();
    }
}
