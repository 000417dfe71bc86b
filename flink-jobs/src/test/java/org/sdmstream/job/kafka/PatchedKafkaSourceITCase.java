package org.sdmstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.job.kafka.SplitReaderTesting.drain;
import static org.sdmstream.job.kafka.SplitReaderTesting.produce;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.job.KafkaJobFixture;
import org.sdmstream.job.ingest.DecodedClick;
import org.sdmstream.job.kafka.SplitReaderTesting.Fetched;

/**
 * The click source's readers on a real broker: watermark alignment may ask to pause or resume a
 * split that has just finished (the end of a bounded run), and that must neither fail nor stop the
 * live splits from being paused and resumed.
 */
class PatchedKafkaSourceITCase {

    @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

    @Test
    void theSourceKeepsTheConsumerPropertiesTheConnectorCompleted(@TempDir Path tmp) {
        PatchedKafkaSource<DecodedClick> source =
                KafkaConnectors.clickSource(KAFKA.config("props", tmp, true).build());

        Properties props = source.consumerProperties();
        // Set by KafkaConnectors...
        assertThat(props.getProperty("isolation.level")).isEqualTo("read_committed");
        assertThat(props.getProperty("group.id")).isEqualTo("it-props");
        // ...and completed by the connector's builder.
        assertThat(props.getProperty("key.deserializer"))
                .isEqualTo(ByteArrayDeserializer.class.getName());
        assertThat(props.getProperty("partition.discovery.interval.ms")).isEqualTo("-1");
        assertThat(props.getProperty("auto.offset.reset")).isEqualTo("earliest");
    }

    @Test
    void isNeededWhileTheConnectorIsTheReleaseWithoutTheFix() {
        // A drift guard: a newer connector may fix the races; then PatchedKafkaSource and
        // PatchedKafkaSplitReader go, and the job builds KafkaSource's own readers again.
        assertThat(KafkaSource.class.getPackage().getImplementationVersion())
                .as(
                        "flink-connector-kafka changed: does it fix FLINK-39728 and the commit after a"
                                + " stale wake-up (PatchedKafkaSplitReader)?")
                .isEqualTo("5.0.0-2.2");
    }

    @Test
    void aFinishedSplitIsNeitherPausedNorResumedWhileTheLiveOnesAre(@TempDir Path tmp)
            throws Exception {
        String topic = "aligned-" + System.nanoTime();
        KAFKA.kafka().createTopics(2, topic);
        TopicPartition bounded = new TopicPartition(topic, 0);
        TopicPartition live = new TopicPartition(topic, 1);
        produce(KAFKA.kafka(), bounded, 3);
        produce(KAFKA.kafka(), live, 3);
        PatchedKafkaSource<DecodedClick> source =
                KafkaConnectors.clickSource(
                        KAFKA.config("aligned", tmp, true)
                                .set(KafkaOptions.CLICKS_TOPIC, topic)
                                .build());
        KafkaPartitionSplit finishing = new KafkaPartitionSplit(bounded, 0, 3);
        KafkaPartitionSplit reading =
                new KafkaPartitionSplit(live, 0, KafkaPartitionSplit.NO_STOPPING_OFFSET);

        PatchedKafkaSplitReader reader =
                source.splitReader(
                        new TestReaderContext(),
                        new KafkaSourceReaderMetrics(
                                UnregisteredMetricsGroup.createSourceReaderMetricGroup()));
        ScheduledExecutorService waker = Executors.newSingleThreadScheduledExecutor();
        try {
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(finishing, reading)));
            Fetched first =
                    fetchUntil(
                            reader,
                            f ->
                                    f.finished.contains(finishing.splitId())
                                            && f.offsetsOf(live).size() == 3);
            assertThat(first.offsetsOf(bounded)).containsExactly(0L, 1L, 2L);

            // What the source operator asks when it has not yet seen the split finish: before,
            // the consumer threw "No current assignment for partition <topic>-0".
            reader.pauseOrResumeSplits(List.of(finishing, reading), List.of());

            // The live split is paused: new records stay unread until it resumes.
            produce(KAFKA.kafka(), live, 2);
            waker.schedule(reader::wakeUp, 1, TimeUnit.SECONDS);
            assertThat(drain(reader.fetch()).offsetsOf(live)).isEmpty();

            reader.pauseOrResumeSplits(List.of(), List.of(finishing, reading));
            Fetched resumed = fetchUntil(reader, f -> f.offsetsOf(live).size() == 2);
            assertThat(resumed.offsetsOf(live)).containsExactly(3L, 4L);
        } finally {
            waker.shutdownNow();
            reader.close();
        }
    }

    private static Fetched fetchUntil(PatchedKafkaSplitReader reader, Predicate<Fetched> done)
            throws Exception {
        Fetched all = new Fetched();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.test(all)) {
            assertThat(System.nanoTime())
                    .as("fetched so far: %s", all.records)
                    .isLessThan(deadline);
            all.add(drain(reader.fetch()));
        }
        return all;
    }
}
