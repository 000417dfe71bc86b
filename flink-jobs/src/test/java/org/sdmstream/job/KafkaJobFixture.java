package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.retrieval.RetrievalOptions;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.wire.AvroCodec;

/**
 * What the job's Kafka ITCases share: a {@link KafkaTestCluster} per test class (a JUnit 5
 * extension: {@code @RegisterExtension static final KafkaJobFixture KAFKA = new
 * KafkaJobFixture()}), the base job settings, clicks produced to the partition of their user,
 * committed outputs read back, and the expectations that follow from two partitions and the
 * out-of-orderness.
 */
public final class KafkaJobFixture implements BeforeAllCallback, AfterAllCallback {

    /** Partitions of every topic; the job runs with as many subtasks. */
    public static final int PARTITIONS = 2;

    /** The watermarks' out-of-orderness in every ITCase; TestClicks.arrivalOrder stays below it. */
    public static final long OUT_OF_ORDERNESS = 5_000;

    private final AvroCodec<ClickEvent> clickCodec = AvroCodec.of(ClickEvent.class);
    private KafkaTestCluster kafka;

    /**
     * A MiniCluster with one TaskManager and a slot per partition, to register next to this
     * fixture.
     */
    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(PARTITIONS)
                        .build());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = KafkaTestCluster.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    public KafkaTestCluster kafka() {
        return kafka;
    }

    /**
     * The settings the Kafka ITCases share: their own topics, group and sink ids per test, 1 s
     * checkpoints.
     */
    public JobConfig.Builder config(String suffix, Path tmp, boolean bounded) {
        return JobConfig.builder()
                .set(JobOptions.JOB_NAME, "it-" + suffix)
                .set(JobOptions.PARALLELISM, PARTITIONS)
                .set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .set(KafkaOptions.GROUP_ID, "it-" + suffix)
                .set(KafkaOptions.STARTING_OFFSETS, KafkaOptions.StartingOffsets.EARLIEST)
                .set(KafkaOptions.BOUNDED, bounded)
                .set(KafkaOptions.CLICKS_TOPIC, "clicks-" + suffix)
                .set(KafkaOptions.SESSION_FEATURES_TOPIC, "features-" + suffix)
                .set(KafkaOptions.USER_VECTORS_TOPIC, "vectors-" + suffix)
                .set(RetrievalOptions.RECOMMENDATIONS_TOPIC, "recommendations-" + suffix)
                .set(KafkaOptions.DEAD_LETTERS_TOPIC, "dead-" + suffix)
                .set(KafkaOptions.LATE_CLICKS_TOPIC, "late-" + suffix)
                .set(IngestOptions.WATERMARK_OUT_OF_ORDERNESS, Duration.ofMillis(OUT_OF_ORDERNESS))
                // Long enough that no partition goes idle mid-test: the expected output depends on
                // both.
                .set(IngestOptions.WATERMARK_IDLENESS, Duration.ofMinutes(10))
                .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1))
                .set(JobOptions.CHECKPOINT_DIR, tmp.resolve("checkpoints").toUri().toString())
                .set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "it-" + suffix);
    }

    /** Every input and output topic of {@code config}, with {@link #PARTITIONS} partitions. */
    public void createTopics(JobConfig config) throws Exception {
        kafka.createTopics(
                PARTITIONS,
                config.get(KafkaOptions.CLICKS_TOPIC),
                config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                config.get(KafkaOptions.USER_VECTORS_TOPIC),
                config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                config.get(KafkaOptions.LATE_CLICKS_TOPIC),
                config.get(RetrievalOptions.RECOMMENDATIONS_TOPIC));
    }

    /** The topic of each user's newest vector, compacted as production creates it. */
    public void createLatestVectorsTopic(JobConfig config) throws Exception {
        kafka.createTopics(
                PARTITIONS,
                Map.of("cleanup.policy", "compact"),
                config.get(KafkaOptions.LATEST_VECTORS_TOPIC));
    }

    /**
     * Sends the clicks in order to the clicks topic, each to its user's partition, keyed by user.
     */
    public void produceClicks(JobConfig config, List<ClickEvent> clicks) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (ClickEvent c : clicks) {
            records.add(
                    new ProducerRecord<>(
                            config.get(KafkaOptions.CLICKS_TOPIC),
                            partitionOf(c.getUserId()),
                            (Long) null,
                            c.getUserId().getBytes(StandardCharsets.UTF_8),
                            clickCodec.encode(c)));
        }
        kafka.produce(records);
    }

    /**
     * Kills the running TaskManager, with its tasks, state and open transactions, and starts a
     * fresh one. MiniCluster keeps a killed TaskManager's index for ever, so index 0 is dead after
     * one test did this: every index is terminated (a dead one again is a no-op).
     */
    public static void crashTaskManager(MiniCluster flink) throws Exception {
        for (int index = 0; ; index++) {
            CompletableFuture<Void> terminated;
            try {
                terminated = flink.terminateTaskManager(index);
            } catch (IndexOutOfBoundsException noMore) {
                break;
            }
            terminated.get();
        }
        flink.startTaskManager();
    }

    /** Asserts that job {@code job} restored from a checkpoint: a TaskManager crash took place. */
    public static void assertRestoredFromCheckpoint(MiniCluster flink, JobClient job)
            throws Exception {
        assertThat(
                        flink.getArchivedExecutionGraph(job.getJobID())
                                .get()
                                .getCheckpointStatsSnapshot()
                                .getLatestRestoredCheckpoint())
                .as("the checkpoint the job restored from")
                .isNotNull();
    }

    /** Waits until a completed checkpoint of the job {@code config} covers its whole input. */
    public void awaitCheckpointCoversInput(JobConfig config, Duration timeout) throws Exception {
        kafka.awaitGroupCommittedEnd(
                config.get(KafkaOptions.GROUP_ID), config.get(KafkaOptions.CLICKS_TOPIC), timeout);
    }

    /** Sends records in order and returns where each landed. */
    public List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        return kafka.produce(records);
    }

    /** Everything committed in {@code topic} (see {@link KafkaTestCluster#readCommitted}). */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String topic, int atLeast, Duration timeout) {
        return kafka.readCommitted(topic, atLeast, timeout);
    }

    /** Everything committed in {@code topic}, decoded. */
    public <T extends SpecificRecord> List<T> readCommitted(
            String topic, int atLeast, Duration timeout, Class<T> type) {
        AvroCodec<T> codec = AvroCodec.of(type);
        return readCommitted(topic, atLeast, timeout).stream()
                .map(r -> codec.decode(r.value()))
                .toList();
    }

    /** The partition a user's clicks go to. */
    public static int partitionOf(String user) {
        return Math.floorMod(user.hashCode(), PARTITIONS);
    }

    /**
     * One restart at most, and no Kryo fallback: every record type between operators has a real
     * serializer.
     */
    public static Configuration failFast() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        c.set(PipelineOptions.GENERIC_TYPES, false);
        return c;
    }

    /**
     * How many of {@code batch} a running job emits before more input: those at or behind the final
     * watermark.
     */
    public static long emittedWithoutMoreInput(List<ClickEvent> batch) {
        long watermark = Long.MAX_VALUE;
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            long max =
                    batch.stream()
                            .filter(c -> partitionOf(c.getUserId()) == partition)
                            .mapToLong(c -> c.getEventTime().toEpochMilli())
                            .max()
                            .orElseThrow();
            watermark = Math.min(watermark, max - OUT_OF_ORDERNESS - 1);
        }
        long w = watermark;
        return batch.stream().filter(c -> c.getEventTime().toEpochMilli() <= w).count();
    }

    /**
     * One click per partition a day after everything else, so the watermark passes every real
     * click.
     */
    public static List<ClickEvent> sentinels(List<ClickEvent> clicks) {
        long max =
                clicks.stream().mapToLong(c -> c.getEventTime().toEpochMilli()).max().orElseThrow();
        List<ClickEvent> sentinels = new ArrayList<>();
        for (int i = 0; sentinels.size() < PARTITIONS; i++) {
            String user = "zz-sentinel-" + i;
            if (sentinels.stream()
                    .noneMatch(s -> partitionOf(s.getUserId()) == partitionOf(user))) {
                sentinels.add(TestClicks.click(user, "flush", max + TestClicks.DAY));
            }
        }
        return sentinels;
    }
}
