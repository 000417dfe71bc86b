package org.sdmstream.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole output topic as a downstream service would: {@code read_committed}, so records of
 * aborted or still-open transactions (a crashed attempt) are never seen.
 */
public final class OutputReader {

    private OutputReader() {}

    /**
     * Reads from the beginning until {@code expected} records arrived, then on for {@code settle}
     * (longer than a checkpoint interval), so a duplicate committed late would be caught; gives up
     * after {@code timeout}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String bootstrapServers,
            String topic,
            int expected,
            Duration timeout,
            Duration settle) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Integer.toString(SystemUnderTest.MAX_MESSAGE_BYTES));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            long settledAt = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settledAt)) {
                consumer.poll(Duration.ofMillis(250)).forEach(out::add);
                if (out.size() >= expected && settledAt == Long.MAX_VALUE) {
                    settledAt = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return out;
    }
}
