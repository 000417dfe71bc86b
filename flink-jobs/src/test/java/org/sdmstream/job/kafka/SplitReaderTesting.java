package org.sdmstream.job.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.sdmstream.job.KafkaTestCluster;

/** Records in, fetched records out: what the split reader tests drive the reader with. */
final class SplitReaderTesting {

    private SplitReaderTesting() {}

    /** {@code count} records into {@code partition}, in order. */
    static void produce(KafkaTestCluster kafka, TopicPartition partition, int count)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(
                    new ProducerRecord<>(
                            partition.topic(),
                            partition.partition(),
                            null,
                            ("click " + i).getBytes(StandardCharsets.UTF_8)));
        }
        kafka.produce(records);
    }

    /** What fetches returned so far: offsets per partition and the finished split ids. */
    static final class Fetched {
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        final List<String> finished = new ArrayList<>();

        List<Long> offsetsOf(TopicPartition partition) {
            return records.stream()
                    .filter(r -> r.topic().equals(partition.topic()))
                    .filter(r -> r.partition() == partition.partition())
                    .map(ConsumerRecord::offset)
                    .toList();
        }

        Fetched add(Fetched more) {
            records.addAll(more.records);
            finished.addAll(more.finished);
            return this;
        }
    }

    /** Everything in one fetch's batch, which it recycles. */
    static Fetched drain(RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> batch) {
        Fetched fetched = new Fetched();
        while (batch.nextSplit() != null) {
            ConsumerRecord<byte[], byte[]> r;
            while ((r = batch.nextRecordFromSplit()) != null) {
                fetched.records.add(r);
            }
        }
        fetched.finished.addAll(batch.finishedSplits());
        batch.recycle();
        return fetched;
    }
}
