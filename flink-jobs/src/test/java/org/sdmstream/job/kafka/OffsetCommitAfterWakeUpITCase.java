package org.sdmstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.job.kafka.SplitReaderTesting.drain;
import static org.sdmstream.job.kafka.SplitReaderTesting.produce;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.job.KafkaJobFixture;
import org.sdmstream.job.ingest.DecodedClick;

/**
 * The click source's reader commits a checkpoint's offsets even when the fetcher has left a wake-up
 * pending, as it does whenever it hands the reader a task between polls. The connector's reader
 * threw the wake-up out of the commit and failed the task (seen in CI, in MovieLensParityITCase's
 * job); this loop reproduced that within the first 8 of 20 rounds. It needs the fresh broker of its
 * own fixture: the commit reaches the wake-up only after a group coordinator lookup has failed, as
 * it does while the broker first creates its offsets topic.
 */
class OffsetCommitAfterWakeUpITCase {

    private static final int CLICKS = 5;
    private static final int ROUNDS = 20;

    @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

    @Test
    void offsetsAreCommittedDespiteAPendingWakeUp(@TempDir Path tmp) throws Exception {
        String topic = "wakeup-" + System.nanoTime();
        KAFKA.kafka().createTopics(1, topic);
        TopicPartition partition = new TopicPartition(topic, 0);
        produce(KAFKA.kafka(), partition, CLICKS);
        String group = "it-wakeup";
        PatchedKafkaSource<DecodedClick> source =
                KafkaConnectors.clickSource(
                        KAFKA.config("wakeup", tmp, false)
                                .set(KafkaOptions.CLICKS_TOPIC, topic)
                                .build());
        assertThat(source.consumerProperties().getProperty("group.id")).isEqualTo(group);
        PatchedKafkaSplitReader reader =
                source.splitReader(
                        new TestReaderContext(),
                        new KafkaSourceReaderMetrics(
                                UnregisteredMetricsGroup.createSourceReaderMetricGroup()));
        try {
            reader.handleSplitsChanges(
                    new SplitsAddition<>(List.of(new KafkaPartitionSplit(partition, 0))));
            drain(reader.fetch());
            for (int round = 0; round < ROUNDS; round++) {
                long offset = Math.min(round + 1, CLICKS);
                // As the fetcher runs a completed checkpoint's commit task: before, this threw
                // WakeupException from round 7 or 8 on.
                reader.notifyCheckpointComplete(
                        Map.of(partition, new OffsetAndMetadata(offset)), (offsets, e) -> {});
                Thread.sleep(100);
                // A task handed to the fetcher wakes the consumer up; one between polls stays
                // pending for the next blocking call.
                reader.wakeUp();
                drain(reader.fetch());
                reader.wakeUp();
            }
            // The first fetch uses up the last pending wake-up; the second is a real poll (up to
            // 10 s without records), which sends the commits if the coordinator is still being
            // found.
            drain(reader.fetch());
            drain(reader.fetch());
            KAFKA.kafka().awaitGroupCommittedEnd(group, topic, Duration.ofSeconds(30));
        } finally {
            reader.close();
        }
    }
}
