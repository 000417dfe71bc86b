package org.sdmstream.job.records;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.sdmstream.records.DeadLetter;

/** Builds {@link DeadLetter} records that keep the raw bytes and the source coordinates of what was refused. */
public final class DeadLetters {

    private DeadLetters() {}

    /** A dead letter for a Kafka record, with its topic, partition, offset, key and value bytes. */
    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail, long nowMillis) {
        return DeadLetter.newBuilder()
                .setSourceTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setKey(wrap(record.key()))
                .setValue(wrap(record.value()))
                .setReason(reason.name())
                .setDetail(detail)
                .setTime(Instant.ofEpochMilli(nowMillis))
                .build();
    }

    /** A dead letter for a click refused inside the job, where the Kafka coordinates are gone (-1). */
    public static DeadLetter ofEncodedClick(
            String sourceTopic, byte[] key, byte[] value, DeadLetterReason reason, String detail, long nowMillis) {
        return DeadLetter.newBuilder()
                .setSourceTopic(sourceTopic)
                .setPartition(-1)
                .setOffset(-1)
                .setKey(wrap(key))
                .setValue(wrap(value))
                .setReason(reason.name())
                .setDetail(detail)
                .setTime(Instant.ofEpochMilli(nowMillis))
                .build();
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }
}
