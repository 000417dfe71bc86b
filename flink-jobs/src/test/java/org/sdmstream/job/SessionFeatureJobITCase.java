package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.ingest.ClickRecordDeserializer;
import org.sdmstream.job.ingest.DeadLetterReason;
import org.sdmstream.job.ingest.DecodedClick;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.job.kafka.KafkaConnectors;

/**
 * The whole job on a Flink MiniCluster (RocksDB, checkpoints, exactly-once Kafka sinks) against a real
 * in-JVM Kafka broker; the output is read with read_committed and compared with the offline replay of
 * the same clicks through the same session rules.
 */
class SessionFeatureJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long OUT_OF_ORDERNESS = 5_000;
    static final long MAX_ARRIVAL_DISORDER = 4_000; // < out-of-orderness: no valid click is ever late
    static final SessionRules RULES = SessionRules.DEFAULT;

    static KafkaTestCluster kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaTestCluster.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One record to produce: a click (or raw bytes) for a partition, and the dead-letter reason if it is bad. */
    record Planned(int partition, String key, byte[] value, ClickEvent click, DeadLetterReason expectedReason) {}

    final AvroCodec<ClickEvent> clickCodec = AvroCodec.of(ClickEvent.class);

    Planned good(ClickEvent c) {
        return new Planned(partitionOf(c.getUserId()), c.getUserId(), clickCodec.encode(c), c, null);
    }

    static int partitionOf(String user) {
        return Math.floorMod(user.hashCode(), 2);
    }

    /**
     * Users' clicks with sessions of all kinds: short and long gaps, client ids bridging a gap, a user over
     * the 50 cap, a user silent for more than 7 days (state expiry and an empty history afterwards).
     */
    static List<ClickEvent> userClicks(Random random, int users, long from, long to, String batch) {
        List<ClickEvent> clicks = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = "user-" + u;
            long t = from + random.nextInt(60_000);
            String sdk = "sdk-" + batch + "-0";
            int n = u == 0 ? 130 : 20 + random.nextInt(40);
            for (int i = 0; i < n && t < to; i++) {
                clicks.add(ClickEvent.newBuilder().setUserId(user).setItemId("item-" + random.nextInt(300))
                        .setCategoryId("cat-" + random.nextInt(20)).setBrandId(random.nextInt(3) == 0 ? null : "brand-" + random.nextInt(9))
                        .setShopId("shop-" + random.nextInt(30)).setSessionId(random.nextBoolean() ? sdk : null)
                        .setEventTime(java.time.Instant.ofEpochMilli(t))
                        .setProfile(Map.of("age", "a" + (u % 4), "gender", u % 2 == 0 ? "f" : "m"))
                        .build());
                int kind = u == 0 ? 99 : random.nextInt(20); // user-0 clicks on and on: sessions cut by the cap
                if (kind == 0) {
                    t += 30 * TestClicks.MINUTE + random.nextInt(60) * TestClicks.MINUTE; // new session unless same sdk id
                } else if (kind == 1) {
                    sdk = "sdk-" + batch + "-" + i;
                    t += 11 * TestClicks.MINUTE;
                } else {
                    t += 5_000 + random.nextInt(90_000);
                }
            }
        }
        if (users > 1) { // one user comes back after more than a week
            long back = Math.min(to, from + 8 * TestClicks.DAY + TestClicks.DAY / 2);
            clicks.add(TestClicks.click("user-1", "comeback-" + batch, back));
        }
        return clicks;
    }

    /** Per partition in event-time order, disturbed by at most MAX_ARRIVAL_DISORDER. */
    static List<ClickEvent> arrivalOrder(List<ClickEvent> clicks, Random random) {
        Map<ClickEvent, Long> arrival = new HashMap<>();
        for (ClickEvent c : clicks) {
            arrival.put(c, c.getEventTime().toEpochMilli() + random.nextInt((int) MAX_ARRIVAL_DISORDER));
        }
        List<ClickEvent> sorted = new ArrayList<>(clicks);
        sorted.sort(Comparator.comparing(arrival::get));
        return sorted;
    }

    List<Planned> badRecords(long validTime) {
        Schema foreign = SchemaBuilder.record("Other").namespace("elsewhere").fields().requiredString("x").endRecord();
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
            bad.add(new Planned(p, "k", "definitely not avro".getBytes(StandardCharsets.UTF_8), null, DeadLetterReason.UNDECODABLE));
            bad.add(new Planned(p, "k", foreignBytes, null, DeadLetterReason.UNKNOWN_SCHEMA));
            bad.add(new Planned(p, "k", null, null, DeadLetterReason.UNDECODABLE));
            bad.add(new Planned(p, "", clickCodec.encode(TestClicks.click("", "i", validTime)), null, DeadLetterReason.MISSING_USER_ID));
            bad.add(new Planned(p, "k", clickCodec.encode(TestClicks.click("bad-user", "i", -1)), null, DeadLetterReason.ABSURD_EVENT_TIME));
            bad.add(new Planned(p, "k", clickCodec.encode(TestClicks.click("bad-user", "i", 4_102_444_800_000L)), null,
                    DeadLetterReason.ABSURD_EVENT_TIME)); // year 2100
            bad.add(new Planned(p, "k", clickCodec.encode(TestClicks.click("x".repeat(300), "i", validTime)), null,
                    DeadLetterReason.OVERSIZE_ID));
        }
        return bad;
    }

    /** Interleaves the good clicks (in arrival order) with the bad records at fixed strides, per partition. */
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

    static List<ProducerRecord<byte[], byte[]>> toProducerRecords(String topic, List<Planned> plan) {
        return plan.stream().map(p -> new ProducerRecord<>(topic, p.partition(), (Long) null,
                p.key() == null ? null : p.key().getBytes(StandardCharsets.UTF_8), p.value())).toList();
    }

    JobConfig config(String suffix, Path tmp, boolean bounded) {
        return baseConfig(kafka.bootstrapServers(), suffix, tmp, bounded).with("validation.max-id-length", "64");
    }

    /** The settings the Kafka ITCases share: their own topics, group and sink ids per test, 1 s checkpoints. */
    static JobConfig baseConfig(String bootstrapServers, String suffix, Path tmp, boolean bounded) {
        return JobConfig.of(Map.ofEntries(
                Map.entry("job.name", "it-" + suffix),
                Map.entry("job.parallelism", "2"),
                Map.entry("kafka.bootstrap-servers", bootstrapServers),
                Map.entry("kafka.group-id", "it-" + suffix),
                Map.entry("kafka.starting-offsets", "earliest"),
                Map.entry("kafka.bounded", Boolean.toString(bounded)),
                Map.entry("topic.clicks", "clicks-" + suffix),
                Map.entry("topic.session-features", "features-" + suffix),
                Map.entry("topic.dead-letters", "dead-" + suffix),
                Map.entry("topic.late-clicks", "late-" + suffix),
                Map.entry("watermark.out-of-orderness", OUT_OF_ORDERNESS + " ms"),
                // Long enough that no partition goes idle mid-test: the expected output depends on both.
                Map.entry("watermark.idleness", "10 min"),
                Map.entry("checkpoint.interval", "1 s"),
                Map.entry("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString()),
                Map.entry("sink.transactional-id-prefix", "it-" + suffix)));
    }

    static Configuration failFast() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        // Every record type between operators has a real serializer (Avro or POJO): no Kryo fallback.
        c.set(PipelineOptions.GENERIC_TYPES, false);
        return c;
    }

    <T extends org.apache.avro.specific.SpecificRecord> List<T> decode(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        AvroCodec<T> codec = AvroCodec.of(type);
        return records.stream().map(r -> codec.decode(r.value())).collect(Collectors.toList());
    }

    /** Per user, the model inputs in the order the job emitted them (a user's records share a partition). */
    static Map<String, List<ModelInput>> byUser(List<ModelInput> inputs) {
        Map<String, List<ModelInput>> out = new LinkedHashMap<>();
        for (ModelInput m : inputs) {
            out.computeIfAbsent(m.userId(), u -> new ArrayList<>()).add(m);
        }
        return out;
    }

    static void assertMatchesOffline(List<SessionFeatures> output, List<ClickEvent> validClicksInLogOrder) {
        List<ModelInput> actual = output.stream().map(FeatureRecords::toModelInput).toList();
        List<ModelInput> expected = TestClicks.offlineModelInputs(validClicksInLogOrder, RULES);
        assertThat(actual).hasSize(expected.size());
        Map<String, List<ModelInput>> actualByUser = byUser(actual);
        Map<String, List<ModelInput>> expectedByUser = byUser(expected);
        assertThat(actualByUser.keySet()).containsExactlyInAnyOrderElementsOf(expectedByUser.keySet());
        expectedByUser.forEach((user, inputs) -> assertThat(actualByUser.get(user)).as("user " + user).isEqualTo(inputs));

        // The record of each session's last click carries the whole session and its history.
        Map<String, SessionFeatures> lastOfSession = new HashMap<>();
        for (SessionFeatures f : output) {
            lastOfSession.merge(f.getSessionId(), f, (a, b) -> a.getPosition() >= b.getPosition() ? a : b);
        }
        List<Click> clicks = validClicksInLogOrder.stream().map(FeatureRecords::toClick).toList();
        List<Session> sessions = new OfflineSessionizer(RULES).sessionize(clicks);
        assertThat(lastOfSession).hasSize(sessions.size());
        for (Session s : sessions) {
            SessionFeatures f = lastOfSession.get(s.sessionId());
            assertThat(f).as("session " + s.sessionId()).isNotNull();
            assertThat(f.getSessionClicks().stream().map(FeatureRecords::toBehavior).toList()).isEqualTo(s.clicks());
            assertThat(f.getHistory().stream().map(FeatureRecords::toBehavior).toList()).isEqualTo(s.history());
        }
    }

    /** Replays encoded Kafka values through the job's own deserializer, as a bounded test source. */
    static final class ReplayedValues implements GeneratorFunction<Long, DecodedClick> {
        private static final long serialVersionUID = 1L;
        private final List<byte[]> values;
        private final ClickRecordDeserializer deserializer = new ClickRecordDeserializer(Duration.ofHours(1), 64);

        ReplayedValues(List<byte[]> values) {
            this.values = values;
        }

        @Override
        public DecodedClick map(Long i) {
            byte[] value = values.get(i.intValue());
            return deserializer.decode(new ConsumerRecord<>("clicks", 0, i, null, value), System.currentTimeMillis());
        }
    }

    @Test
    void theJobTakesAnySourceAndSinks(@TempDir Path tmp) throws Exception {
        // The job as the style guide wants it: a bounded test source and collecting sinks, no Kafka.
        Random random = new Random(3);
        List<ClickEvent> clicks = userClicks(random, 8, TestClicks.T0, TestClicks.T0 + 10 * TestClicks.DAY, "t");
        clicks.sort(Comparator.comparing(ClickEvent::getEventTime));
        List<byte[]> values = new ArrayList<>(clicks.stream().map(clickCodec::encode).toList());
        values.add(values.size() / 2, "garbage".getBytes(StandardCharsets.UTF_8));
        values.add(clickCodec.encode(TestClicks.click("u", "i", -1)));

        CollectingSink<SessionFeatures> features = new CollectingSink<>();
        CollectingSink<DeadLetter> dead = new CollectingSink<>();
        CollectingSink<ClickEvent> late = new CollectingSink<>();
        JobConfig config = config("collect-" + System.nanoTime(), tmp, true).with("job.parallelism", "1");
        new SessionFeatureJob(config,
                new DataGeneratorSource<>(new ReplayedValues(values), values.size(), TypeInformation.of(DecodedClick.class)),
                features, dead, late).run(failFast());

        assertMatchesOffline(features.collected(), clicks);
        assertThat(dead.collected()).extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(DeadLetterReason.UNDECODABLE.name(), DeadLetterReason.ABSURD_EVENT_TIME.name());
        assertThat(late.collected()).isEmpty();
    }

    /** How many of {@code batch} a running job emits before more input: those at or behind the final watermark. */
    static long emittedWithoutMoreInput(List<ClickEvent> batch) {
        long watermark = Long.MAX_VALUE;
        for (int p = 0; p < 2; p++) {
            int partition = p;
            long max = batch.stream().filter(c -> partitionOf(c.getUserId()) == partition)
                    .mapToLong(c -> c.getEventTime().toEpochMilli()).max().orElseThrow();
            watermark = Math.min(watermark, max - OUT_OF_ORDERNESS - 1);
        }
        long w = watermark;
        return batch.stream().filter(c -> c.getEventTime().toEpochMilli() <= w).count();
    }

    /** One click per partition a day after everything else, so the watermark passes every real click. */
    static List<ClickEvent> sentinels(List<ClickEvent> clicks) {
        long max = clicks.stream().mapToLong(c -> c.getEventTime().toEpochMilli()).max().orElseThrow();
        List<ClickEvent> sentinels = new ArrayList<>();
        for (int i = 0; sentinels.size() < 2; i++) {
            String user = "zz-sentinel-" + i;
            if (sentinels.stream().noneMatch(s -> partitionOf(s.getUserId()) == partitionOf(user))) {
                sentinels.add(TestClicks.click(user, "flush", max + TestClicks.DAY));
            }
        }
        return sentinels;
    }

    @Test
    void boundedRunProducesTheOfflineSessionsAndHistoriesAndDeadLettersBadRecords(@TempDir Path tmp) throws Exception {
        String suffix = "bounded-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, true);
        kafka.createTopics(2, config.clicksTopic(), config.sessionFeaturesTopic(), config.deadLettersTopic(), config.lateClicksTopic());

        Random random = new Random(42);
        long t0 = TestClicks.T0;
        List<ClickEvent> valid = userClicks(random, 30, t0, t0 + 10 * TestClicks.DAY, "a");
        List<ClickEvent> arrival = arrivalOrder(valid, random);
        List<Planned> plan = plan(arrival, badRecords(t0 + 1000));
        List<RecordMetadata> written = kafka.produce(toProducerRecords(config.clicksTopic(), plan));

        long started = System.nanoTime();
        KafkaConnectors.sessionFeatureJob(config).run(failFast());
        System.out.printf("bounded job over %d records finished in %d ms%n", plan.size(), (System.nanoTime() - started) / 1_000_000);

        List<SessionFeatures> features = decode(kafka.readCommitted(config.sessionFeaturesTopic(), arrival.size(),
                Duration.ofSeconds(60)), SessionFeatures.class);
        // Log order of the valid clicks = arrival order within each user's partition.
        assertMatchesOffline(features, arrival);
        assertThat(features).extracting(SessionFeatures::getPosition).contains(50); // the cap was reached
        assertThat(features.stream().filter(f -> f.getSessionClicks().get(f.getPosition() - 1).getItemId().equals("comeback-a")))
                .singleElement().satisfies(f -> assertThat(f.getHistory()).isEmpty());

        Map<String, String> expectedDead = new HashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).expectedReason() != null) {
                expectedDead.put(written.get(i).partition() + "/" + written.get(i).offset(), plan.get(i).expectedReason().name());
            }
        }
        List<DeadLetter> dead = decode(kafka.readCommitted(config.deadLettersTopic(), expectedDead.size(),
                Duration.ofSeconds(30)), DeadLetter.class);
        assertThat(dead.stream().collect(Collectors.toMap(d -> d.getPartition() + "/" + d.getOffset(), DeadLetter::getReason)))
                .isEqualTo(expectedDead);
        assertThat(dead).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo(config.clicksTopic()));
        assertThat(kafka.readCommitted(config.lateClicksTopic(), 0, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void stopWithSavepointMoreInputAndResumeLosesAndDuplicatesNothing(@TempDir Path tmp) throws Exception {
        String suffix = "restart-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, false);
        kafka.createTopics(2, config.clicksTopic(), config.sessionFeaturesTopic(), config.deadLettersTopic(), config.lateClicksTopic());
        Random random = new Random(7);
        long t0 = TestClicks.T0;
        long split = t0 + 2 * TestClicks.DAY;

        // Batch A, then job 1 until it has emitted every click the watermark has passed.
        List<ClickEvent> batchA = arrivalOrder(userClicks(random, 16, t0, split, "a"), random);
        kafka.produce(toProducerRecords(config.clicksTopic(), plan(batchA, List.of())));
        long expectedA = emittedWithoutMoreInput(batchA);
        assertThat(expectedA).isLessThan(batchA.size()); // some clicks are still waiting for the watermark
        long wA = batchA.stream().mapToLong(c -> c.getEventTime().toEpochMilli()).sorted().skip(expectedA - 1).findFirst().orElseThrow();

        JobClient job1 = KafkaConnectors.sessionFeatureJob(config).start(failFast());
        List<ConsumerRecord<byte[], byte[]>> afterA =
                kafka.readCommitted(config.sessionFeaturesTopic(), (int) expectedA, Duration.ofSeconds(90));
        assertThat(afterA).hasSize((int) expectedA);
        String savepoint = job1.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get();

        // Batch B continues the same users; one click older than what its user already had is late;
        // a sentinel per partition pushes the watermark past every real click.
        List<ClickEvent> batchB = arrivalOrder(userClicks(random, 16, split + TestClicks.MINUTE, split + TestClicks.DAY, "b"), random);
        ClickEvent appliedInA = batchA.stream().filter(c -> c.getEventTime().toEpochMilli() <= wA - TestClicks.MINUTE)
                .reduce((a, b) -> b).orElseThrow();
        ClickEvent late = TestClicks.click(appliedInA.getUserId(), "late-item", appliedInA.getEventTime().toEpochMilli() - 1);
        List<ClickEvent> produceB = new ArrayList<>(batchB);
        produceB.add(produceB.size() / 2, late);
        produceB.addAll(sentinels(batchB));
        kafka.produce(toProducerRecords(config.clicksTopic(), plan(produceB, List.of())));

        Configuration resume = failFast();
        resume.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient job2 = KafkaConnectors.sessionFeatureJob(config).start(resume);
        try {
            int expectedTotal = batchA.size() + batchB.size();
            List<SessionFeatures> features = decode(kafka.readCommitted(config.sessionFeaturesTopic(), expectedTotal,
                    Duration.ofSeconds(90)), SessionFeatures.class);
            List<ClickEvent> all = new ArrayList<>(batchA);
            all.addAll(batchB);
            assertMatchesOffline(features, all);
            List<ClickEvent> lateOut = decode(kafka.readCommitted(config.lateClicksTopic(), 1, Duration.ofSeconds(30)),
                    ClickEvent.class);
            assertThat(lateOut).containsExactly(late);
        } finally {
            job2.cancel().get();
        }
    }

    @Test
    void aTaskManagerCrashMidStreamLosesAndDuplicatesNothing(@TempDir Path tmp, @InjectMiniCluster MiniCluster flink)
            throws Exception {
        String suffix = "crash-" + System.nanoTime();
        JobConfig config = config(suffix, tmp, false);
        kafka.createTopics(2, config.clicksTopic(), config.sessionFeaturesTopic(), config.deadLettersTopic(), config.lateClicksTopic());
        Random random = new Random(11);
        long split = TestClicks.T0 + 2 * TestClicks.DAY;
        List<ClickEvent> batchA = arrivalOrder(userClicks(random, 16, TestClicks.T0, split, "a"), random);
        List<ClickEvent> batchB = arrivalOrder(userClicks(random, 16, split + TestClicks.MINUTE, split + TestClicks.DAY, "b"), random);
        kafka.produce(toProducerRecords(config.clicksTopic(), plan(batchA, List.of())));

        Configuration restarts = failFast();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        JobClient job = KafkaConnectors.sessionFeatureJob(config).start(restarts);
        try {
            long expectedA = emittedWithoutMoreInput(batchA);
            assertThat(kafka.readCommitted(config.sessionFeaturesTopic(), (int) expectedA, Duration.ofSeconds(90))).hasSize((int) expectedA);

            // More input, and while the job works on it the TaskManager dies (state, offsets and open
            // transactions with it); a new one takes over from the last checkpoint.
            List<ClickEvent> produceB = new ArrayList<>(batchB);
            produceB.addAll(sentinels(batchB));
            kafka.produce(toProducerRecords(config.clicksTopic(), plan(produceB, List.of())));
            Thread.sleep(300);
            flink.terminateTaskManager(0).get();
            flink.startTaskManager();

            List<ClickEvent> all = new ArrayList<>(batchA);
            all.addAll(batchB);
            List<SessionFeatures> features = decode(kafka.readCommitted(config.sessionFeaturesTopic(), all.size(),
                    Duration.ofSeconds(120)), SessionFeatures.class);
            assertMatchesOffline(features, all);
        } finally {
            job.cancel().get();
        }
    }
}
