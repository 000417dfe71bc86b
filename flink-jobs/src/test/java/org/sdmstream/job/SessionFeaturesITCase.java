package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.job.KafkaJobFixture.emittedWithoutMoreInput;
import static org.sdmstream.job.KafkaJobFixture.failFast;
import static org.sdmstream.job.KafkaJobFixture.partitionOf;
import static org.sdmstream.job.KafkaJobFixture.sentinels;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.job.ingest.DeadLetterReason;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.job.kafka.KafkaConnectors;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.wire.AvroCodec;

/**
 * The job with scoring off, writing session features, on a Flink MiniCluster (RocksDB, checkpoints,
 * exactly-once Kafka sinks) against a real in-JVM Kafka broker; the output is read with
 * read_committed and compared with the offline replay of the same clicks through the same session
 * rules.
 */
class SessionFeaturesITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = KafkaJobFixture.miniCluster();

    @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

    /**
     * One record to produce: a click (or raw bytes) for a partition, and the dead-letter reason if
     * it is bad.
     */
    record Planned(
            int partition,
            String key,
            byte[] value,
            ClickEvent click,
            DeadLetterReason expectedReason) {}

    final AvroCodec<ClickEvent> clickCodec = AvroCodec.of(ClickEvent.class);

    Planned good(ClickEvent c) {
        return new Planned(
                partitionOf(c.getUserId()), c.getUserId(), clickCodec.encode(c), c, null);
    }

    List<Planned> badRecords(long validTime) {
        Schema foreign =
                SchemaBuilder.record("Other")
                        .namespace("elsewhere")
                        .fields()
                        .requiredString("x")
                        .endRecord();
        GenericRecord r = new GenericData.Record(foreign);
        r.put("x", "y");
        byte[] foreignBytes;
        try {
            var b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), foreign).encode(r);
            foreignBytes = new byte[b.remaining()];
            b.get(foreignBytes);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        List<Planned> bad = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            bad.add(
                    new Planned(
                            p,
                            "k",
                            "definitely not avro".getBytes(StandardCharsets.UTF_8),
                            null,
                            DeadLetterReason.UNDECODABLE));
            bad.add(new Planned(p, "k", foreignBytes, null, DeadLetterReason.UNKNOWN_SCHEMA));
            bad.add(new Planned(p, "k", null, null, DeadLetterReason.UNDECODABLE));
            bad.add(
                    new Planned(
                            p,
                            "",
                            clickCodec.encode(TestClicks.click("", "i", validTime)),
                            null,
                            DeadLetterReason.MISSING_USER_ID));
            bad.add(
                    new Planned(
                            p,
                            "k",
                            clickCodec.encode(TestClicks.click("bad-user", "i", -1)),
                            null,
                            DeadLetterReason.ABSURD_EVENT_TIME));
            bad.add(
                    new Planned(
                            p,
                            "k",
                            clickCodec.encode(
                                    TestClicks.click("bad-user", "i", 4_102_444_800_000L)),
                            null,
                            DeadLetterReason.ABSURD_EVENT_TIME)); // year 2100
            bad.add(
                    new Planned(
                            p,
                            "k",
                            clickCodec.encode(TestClicks.click("x".repeat(300), "i", validTime)),
                            null,
                            DeadLetterReason.OVERSIZE_ID));
        }
        return bad;
    }

    /**
     * Interleaves the good clicks (in arrival order) with the bad records at fixed strides, per
     * partition.
     */
    List<Planned> plan(List<ClickEvent> goodInArrivalOrder, List<Planned> bad) {
        List<Planned> out = new ArrayList<>();
        for (ClickEvent c : goodInArrivalOrder) {
            out.add(good(c));
        }
        int stride = Math.max(1, out.size() / (bad.size() + 1));
        for (int i = 0; i < bad.size(); i++) {
            out.add((i + 1) * stride + i, bad.get(i));
        }
        return out;
    }

    static List<ProducerRecord<byte[], byte[]>> toProducerRecords(
            String topic, List<Planned> plan) {
        return plan.stream()
                .map(
                        p ->
                                new ProducerRecord<>(
                                        topic,
                                        p.partition(),
                                        (Long) null,
                                        p.key() == null
                                                ? null
                                                : p.key().getBytes(StandardCharsets.UTF_8),
                                        p.value()))
                .toList();
    }

    JobConfig config(String suffix, Path tmp, boolean bounded) {
        return KAFKA.config(suffix, tmp, bounded).set(IngestOptions.MAX_ID_LENGTH, 64).build();
    }

    @Test
    void theJobTakesAnySourceAndSinks(@TempDir Path tmp) throws Exception {
        // The job as the style guide wants it: a bounded test source and collecting sinks, no
        // Kafka.
        Random random = new Random(3);
        List<ClickEvent> clicks =
                TestClicks.userClicks(
                        random, 8, TestClicks.T0, TestClicks.T0 + 10 * TestClicks.DAY, "t");
        clicks.sort(Comparator.comparing(ClickEvent::getEventTime));
        List<byte[]> values = new ArrayList<>(clicks.stream().map(clickCodec::encode).toList());
        values.add(values.size() / 2, "garbage".getBytes(StandardCharsets.UTF_8));
        values.add(clickCodec.encode(TestClicks.click("u", "i", -1)));

        CollectingSink<SessionFeatures> features = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        CollectingSink<ClickEvent> late = new CollectingSink<>();
        JobConfig config =
                config("collect-" + System.nanoTime(), tmp, true).with(JobOptions.PARALLELISM, 1);
        new UserInterestJob(config, ReplayedClicks.source(values), null, features, dead, late)
                .run(failFast());

        OfflineParity.assertSessionFeaturesMatch(features.collected(), clicks);
        assertThat(dead.collected())
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(
                        DeadLetterReason.UNDECODABLE.name(),
                        DeadLetterReason.ABSURD_EVENT_TIME.name());
        assertThat(late.collected()).isEmpty();
    }

    @Test
    void boundedRunProducesTheOfflineSessionsAndHistoriesAndDeadLettersBadRecords(@TempDir Path tmp)
            throws Exception {
        String suffix = "bounded-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, true);
        KAFKA.createTopics(config);

        Random random = new Random(42);
        long t0 = TestClicks.T0;
        List<ClickEvent> valid =
                TestClicks.userClicks(random, 30, t0, t0 + 10 * TestClicks.DAY, "a");
        List<ClickEvent> arrival = TestClicks.arrivalOrder(valid, random);
        List<Planned> plan = plan(arrival, badRecords(t0 + 1000));
        List<RecordMetadata> written =
                KAFKA.produce(toProducerRecords(config.get(KafkaOptions.CLICKS_TOPIC), plan));

        long started = System.nanoTime();
        KafkaConnectors.userInterestJob(config).run(failFast());
        System.out.printf(
                "bounded job over %d records finished in %d ms%n",
                plan.size(), (System.nanoTime() - started) / 1_000_000);

        List<SessionFeatures> features =
                KAFKA.readCommitted(
                        config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                        arrival.size(),
                        Duration.ofSeconds(60),
                        SessionFeatures.class);
        // Log order of the valid clicks = arrival order within each user's partition.
        OfflineParity.assertSessionFeaturesMatch(features, arrival);
        assertThat(features)
                .extracting(SessionFeatures::getPosition)
                .contains(50); // the cap was reached
        assertThat(
                        features.stream()
                                .filter(
                                        f ->
                                                f.getSessionClicks()
                                                        .get(f.getPosition() - 1)
                                                        .getItemId()
                                                        .equals("comeback-a")))
                .singleElement()
                .satisfies(f -> assertThat(f.getHistory()).isEmpty());

        Map<String, String> expectedDead = new HashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).expectedReason() != null) {
                expectedDead.put(
                        written.get(i).partition() + "/" + written.get(i).offset(),
                        plan.get(i).expectedReason().name());
            }
        }
        List<DeadLetter> dead =
                KAFKA.readCommitted(
                        config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                        expectedDead.size(),
                        Duration.ofSeconds(30),
                        DeadLetter.class);
        assertThat(
                        dead.stream()
                                .collect(
                                        Collectors.toMap(
                                                d -> d.getPartition() + "/" + d.getOffset(),
                                                DeadLetter::getReason)))
                .isEqualTo(expectedDead);
        assertThat(dead)
                .allSatisfy(
                        d ->
                                assertThat(d.getSourceTopic())
                                        .isEqualTo(config.get(KafkaOptions.CLICKS_TOPIC)));
        assertThat(
                        KAFKA.readCommitted(
                                config.get(KafkaOptions.LATE_CLICKS_TOPIC),
                                0,
                                Duration.ofSeconds(2)))
                .isEmpty();
    }

    @Test
    void stopWithSavepointMoreInputAndResumeLosesAndDuplicatesNothing(@TempDir Path tmp)
            throws Exception {
        String suffix = "restart-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, false);
        KAFKA.createTopics(config);
        Random random = new Random(7);
        long t0 = TestClicks.T0;
        long split = t0 + 2 * TestClicks.DAY;

        // Batch A, then job 1 until it has emitted every click the watermark has passed.
        List<ClickEvent> batchA =
                TestClicks.arrivalOrder(TestClicks.userClicks(random, 16, t0, split, "a"), random);
        KAFKA.produce(
                toProducerRecords(config.get(KafkaOptions.CLICKS_TOPIC), plan(batchA, List.of())));
        long expectedA = emittedWithoutMoreInput(batchA);
        assertThat(expectedA)
                .isLessThan(batchA.size()); // some clicks are still waiting for the watermark
        long wA =
                batchA.stream()
                        .mapToLong(c -> c.getEventTime().toEpochMilli())
                        .sorted()
                        .skip(expectedA - 1)
                        .findFirst()
                        .orElseThrow();

        JobClient job1 = KafkaConnectors.userInterestJob(config).start(failFast());
        List<ConsumerRecord<byte[], byte[]>> afterA =
                KAFKA.readCommitted(
                        config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                        (int) expectedA,
                        Duration.ofSeconds(90));
        assertThat(afterA).hasSize((int) expectedA);
        String savepoint =
                job1.stopWithSavepoint(
                                false,
                                tmp.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get();

        // Batch B continues the same users; one click older than what its user already had is late;
        // a sentinel per partition pushes the watermark past every real click.
        List<ClickEvent> batchB =
                TestClicks.arrivalOrder(
                        TestClicks.userClicks(
                                random, 16, split + TestClicks.MINUTE, split + TestClicks.DAY, "b"),
                        random);
        ClickEvent appliedInA =
                batchA.stream()
                        .filter(c -> c.getEventTime().toEpochMilli() <= wA - TestClicks.MINUTE)
                        .reduce((a, b) -> b)
                        .orElseThrow();
        ClickEvent late =
                TestClicks.click(
                        appliedInA.getUserId(),
                        "late-item",
                        appliedInA.getEventTime().toEpochMilli() - 1);
        List<ClickEvent> produceB = new ArrayList<>(batchB);
        produceB.add(produceB.size() / 2, late);
        produceB.addAll(sentinels(batchB));
        KAFKA.produce(
                toProducerRecords(
                        config.get(KafkaOptions.CLICKS_TOPIC), plan(produceB, List.of())));

        Configuration resume = failFast();
        resume.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient job2 = KafkaConnectors.userInterestJob(config).start(resume);
        try {
            int expectedTotal = batchA.size() + batchB.size();
            List<SessionFeatures> features =
                    KAFKA.readCommitted(
                            config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                            expectedTotal,
                            Duration.ofSeconds(90),
                            SessionFeatures.class);
            List<ClickEvent> all = new ArrayList<>(batchA);
            all.addAll(batchB);
            OfflineParity.assertSessionFeaturesMatch(features, all);
            List<ClickEvent> lateOut =
                    KAFKA.readCommitted(
                            config.get(KafkaOptions.LATE_CLICKS_TOPIC),
                            1,
                            Duration.ofSeconds(30),
                            ClickEvent.class);
            assertThat(lateOut).containsExactly(late);
        } finally {
            job2.cancel().get();
        }
    }

    @Test
    void aTaskManagerCrashMidStreamLosesAndDuplicatesNothing(
            @TempDir Path tmp, @InjectMiniCluster MiniCluster flink) throws Exception {
        String suffix = "crash-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, false);
        KAFKA.createTopics(config);
        Random random = new Random(11);
        long split = TestClicks.T0 + 2 * TestClicks.DAY;
        List<ClickEvent> batchA =
                TestClicks.arrivalOrder(
                        TestClicks.userClicks(random, 16, TestClicks.T0, split, "a"), random);
        List<ClickEvent> batchB =
                TestClicks.arrivalOrder(
                        TestClicks.userClicks(
                                random, 16, split + TestClicks.MINUTE, split + TestClicks.DAY, "b"),
                        random);
        KAFKA.produce(
                toProducerRecords(config.get(KafkaOptions.CLICKS_TOPIC), plan(batchA, List.of())));

        Configuration restarts = failFast();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        JobClient job = KafkaConnectors.userInterestJob(config).start(restarts);
        try {
            long expectedA = emittedWithoutMoreInput(batchA);
            assertThat(
                            KAFKA.readCommitted(
                                    config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                                    (int) expectedA,
                                    Duration.ofSeconds(90)))
                    .hasSize((int) expectedA);

            // More input, and while the job works on it the TaskManager dies (state, offsets and
            // open
            // transactions with it); a new one takes over from the last checkpoint.
            List<ClickEvent> produceB = new ArrayList<>(batchB);
            produceB.addAll(sentinels(batchB));
            KAFKA.produce(
                    toProducerRecords(
                            config.get(KafkaOptions.CLICKS_TOPIC), plan(produceB, List.of())));
            Thread.sleep(300);
            KafkaJobFixture.crashTaskManager(flink);

            List<ClickEvent> all = new ArrayList<>(batchA);
            all.addAll(batchB);
            List<SessionFeatures> features =
                    KAFKA.readCommitted(
                            config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                            all.size(),
                            Duration.ofSeconds(120),
                            SessionFeatures.class);
            OfflineParity.assertSessionFeaturesMatch(features, all);
            KafkaJobFixture.assertRestoredFromCheckpoint(flink, job);
        } finally {
            job.cancel().get();
        }
    }
}
