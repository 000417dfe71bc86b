package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.system.ClickScript.HOUR;
import static org.sdmstream.system.ClickScript.MINUTE;
import static org.sdmstream.system.ClickScript.T0;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sdmstream.job.ingest.DeadLetterReason;
import org.sdmstream.job.sessionizer.SessionizerOptions;
import org.sdmstream.local.flink.CheckpointStats;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hostile input on the deployed job: garbage bytes, records of an unknown schema, empty and null
 * values, missing ids, event times in the far future and before 1970, ids of megabytes, clicks from
 * 2000 (late), optional fields all null, and one user with 20,000 clicks in one simulated hour. The
 * job stays up (never restarts), every bad record is in the dead-letter topic with its reason,
 * every late one in the late topic, every good one produces exactly its output, and the heavy
 * user's session and history stay within their caps.
 */
@ExtendWith(SystemUnderTest.Shared.class)
class HostileInputITCase {

    private static final Logger LOG = LoggerFactory.getLogger(HostileInputITCase.class);
    private static final int HEAVY_CLICKS = 20_000;
    private static final int CLICKS_PER_SECOND = 1_500;

    /**
     * An id just under the producer's default max.request.size (1 MB): its dead letter is kept
     * whole.
     */
    private static final int LARGE_ID = 900 * 1024;

    private static final int MEGABYTE_ID = 2 * 1024 * 1024;

    /**
     * A record to write: its bytes, and the dead-letter reason it must get (null for good clicks).
     */
    record Planned(ProducerRecord<byte[], byte[]> record, DeadLetterReason reason) {}

    @Test
    void badRecordsGoToDeadLettersGoodOnesToOutputAndAHeavyUserStaysBounded(SystemUnderTest sut)
            throws Exception {
        long started = System.nanoTime();
        try (JobDeployment pipeline = new JobDeployment(sut, "hostile")) {
            Random random = new Random(31);

            List<ClickEvent> valid =
                    new ArrayList<>(ClickScript.users(random, "h", 10, T0, T0 + HOUR));
            for (int i = 0; i < HEAVY_CLICKS; i++) { // a million clicks a day: one every 180 ms
                valid.add(
                        ClickScript.click(
                                "heavy",
                                "item-" + random.nextInt(2_000),
                                T0 + i * (HOUR / HEAVY_CLICKS),
                                null));
            }
            for (int i = 0; i < 5; i++) { // every optional field null
                valid.add(
                        ClickEvent.newBuilder()
                                .setUserId("h-nulls")
                                .setItemId("n-" + i)
                                .setCategoryId("c")
                                .setBrandId(null)
                                .setShopId("s")
                                .setSessionId(null)
                                .setProfile(null)
                                .setEventTime(Instant.ofEpochMilli(T0 + i * MINUTE))
                                .build());
            }
            valid = ClickScript.sortByTime(valid);
            valid.addAll(ClickScript.flush("hostile-1", T0 + HOUR + MINUTE));

            // Clicks arrive live, not as one backlog. Live, ~30 of the heavy user's clicks wait at
            // a time; the larger
            // buffer keeps them out of the spill (a backlog beyond pending.max-clicks spills and
            // loses nothing, see
            // docs/operations.md, "Catching up", and CrashRecoveryITCase's backlog test at the
            // default cap).
            pipeline.configure(SessionizerOptions.MAX_PENDING_CLICKS, 5000);
            String job = pipeline.submit(pipeline.run(2));
            List<Planned> phase1 = interleave(pipeline, valid, badRecords(pipeline));
            List<RecordMetadata> written1;
            try (ClickFeeder feeder =
                    ClickFeeder.start(
                            sut.broker.bootstrapServers(),
                            phase1.stream().map(Planned::record).toList(),
                            CLICKS_PER_SECOND)) {
                written1 = feeder.await(Duration.ofMinutes(3));
            }
            Map<String, String> expectedDead = new HashMap<>();
            collectDead(phase1, written1, expectedDead);
            assertThat(deadLetterReasons(pipeline, expectedDead.size())).isEqualTo(expectedDead);
            var firstOutput =
                    pipeline.readFeatures(ClickScript.count(ClickScript.expectedByUser(valid)));
            Expectations.assertExactlyOffline(firstOutput, valid);
            LOG.info(
                    "hostile phase 1: {} records written, {} outputs exactly as offline",
                    phase1.size(),
                    firstOutput.size());

            // Phase 2, once the watermark has passed phase 1: clicks from the year 2000 are late
            // (they must
            // not rewrite history); more garbage; a flush that releases phase 1's own flush clicks.
            long y2000 = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
            List<ClickEvent> ancient =
                    List.of(
                            ClickScript.click("h-1", "ancient-1", y2000, null),
                            ClickScript.click("heavy", "ancient-2", y2000 + 1, null),
                            ClickScript.click("h-new", "ancient-3", y2000 + 2, null));
            List<ClickEvent> flush2 = ClickScript.flush("hostile-2", T0 + HOUR + 2 * MINUTE);
            List<Planned> phase2 = new ArrayList<>();
            ancient.forEach(c -> phase2.add(new Planned(pipeline.record(c), null)));
            phase2.addAll(badRecords(pipeline).subList(0, 4));
            flush2.forEach(c -> phase2.add(new Planned(pipeline.record(c), null)));
            List<RecordMetadata> written2 =
                    ClickFeeder.writeAll(
                            sut.broker.bootstrapServers(),
                            phase2.stream().map(Planned::record).toList());
            valid.addAll(flush2);

            var output =
                    pipeline.readFeatures(ClickScript.count(ClickScript.expectedByUser(valid)));
            Expectations.Checked checked = Expectations.assertExactlyOffline(output, valid);
            assertThat(pipeline.readLate(ancient.size()))
                    .containsExactlyInAnyOrderElementsOf(ancient);

            collectDead(phase2, written2, expectedDead);
            List<DeadLetter> dead = pipeline.readDeadLetters(expectedDead.size());
            assertThat(reasons(dead)).isEqualTo(expectedDead);
            assertThat(dead)
                    .allSatisfy(
                            d -> {
                                assertThat(d.getSourceTopic()).isEqualTo(pipeline.clicks);
                                assertThat(d.getDetail()).isNotBlank();
                            });

            // Bounded: the heavy user's session and history never exceed the caps, and its state is
            // small.
            assertThat(checked.longestSession()).isEqualTo(ClickScript.RULES.maxSessionLength());
            assertThat(checked.longestHistory()).isEqualTo(ClickScript.RULES.maxHistoryLength());
            CheckpointStats stats =
                    sut.flink
                            .rest()
                            .awaitCheckpointAfter(
                                    job,
                                    sut.flink.rest().checkpoints(job).latestId(),
                                    Duration.ofMinutes(1));
            assertThat(stats.latestStateSize())
                    .as("full checkpointed state size")
                    .isLessThan(16L * 1024 * 1024);
            // It stayed up: never restarted.
            assertThat(stats.restored()).as("restores").isZero();
            assertThat(sut.flink.rest().jobStatus(job).isFullyRunning()).isTrue();
            pipeline.cancel(job);
            LOG.info(
                    "hostile input: {} good clicks ({} from one user), {} dead letters, {} late, {} outputs; state {} bytes"
                            + " (checkpointed {}), {} ms",
                    valid.size(),
                    HEAVY_CLICKS,
                    dead.size(),
                    ancient.size(),
                    checked.records(),
                    stats.latestStateSize(),
                    stats.latestCheckpointedSize(),
                    SystemUnderTest.ms(started, System.nanoTime()));
        }
    }

    /**
     * A click with an id of 2 MB (accepted by a topic that allows a few MB) is a dead letter whose
     * raw value is capped (DeadLetters.MAX_RAW_BYTES, said in its detail): a dead letter carrying
     * the whole value would be refused by the dead-letter producer, and one poison record would
     * crash-loop the job (found by this test). The whole record stays in the source topic at the
     * offset the letter names.
     */
    @Test
    void idsOfMegabytesReachTheDeadLetterTopic(SystemUnderTest sut) throws Exception {
        try (JobDeployment pipeline = new JobDeployment(sut, "hostile-megabytes")) {
            String job = pipeline.submit(pipeline.run(1));
            List<ClickEvent> good =
                    new ArrayList<>(List.of(ClickScript.click("m-1", "i-1", T0, null)));
            good.addAll(ClickScript.flush("megabytes", T0 + MINUTE));
            List<Planned> plan =
                    interleave(
                            pipeline,
                            good,
                            List.of(
                                    click(
                                            pipeline,
                                            0,
                                            ClickScript.click(
                                                    "u".repeat(MEGABYTE_ID), "i", T0, null),
                                            DeadLetterReason.OVERSIZE_ID),
                                    click(
                                            pipeline,
                                            1,
                                            ClickScript.click(
                                                    "bad", "i".repeat(MEGABYTE_ID), T0, null),
                                            DeadLetterReason.OVERSIZE_ID)));
            List<RecordMetadata> written =
                    ClickFeeder.writeAll(
                            sut.broker.bootstrapServers(),
                            plan.stream().map(Planned::record).toList());
            Map<String, String> expectedDead = new HashMap<>();
            collectDead(plan, written, expectedDead);
            List<DeadLetter> dead = pipeline.readDeadLetters(expectedDead.size());
            assertThat(reasons(dead)).isEqualTo(expectedDead);
            assertThat(dead)
                    .allSatisfy(d -> assertThat(d.getDetail()).contains("value truncated to"));
            Expectations.assertExactlyOffline(
                    pipeline.readFeatures(ClickScript.count(ClickScript.expectedByUser(good))),
                    good);
            assertThat(sut.flink.rest().checkpoints(job).restored()).isZero();
            pipeline.cancel(job);
        }
    }

    private static Map<String, String> deadLetterReasons(JobDeployment pipeline, int expected) {
        return reasons(pipeline.readDeadLetters(expected));
    }

    /**
     * Source partition/offset → reason (-1/-1 for records refused inside the job, e.g.
     * PENDING_OVERFLOW).
     */
    private static Map<String, String> reasons(List<DeadLetter> dead) {
        Map<String, String> out = new java.util.TreeMap<>();
        dead.forEach(
                d ->
                        out.merge(
                                d.getPartition() + "/" + d.getOffset(),
                                d.getReason(),
                                (a, b) -> a + "," + b));
        return out;
    }

    private static void collectDead(
            List<Planned> plan, List<RecordMetadata> written, Map<String, String> into) {
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).reason() != null) {
                into.put(
                        written.get(i).partition() + "/" + written.get(i).offset(),
                        plan.get(i).reason().name());
            }
        }
    }

    /** The good clicks in order, with the bad records spread evenly between them. */
    private static List<Planned> interleave(
            JobDeployment pipeline, List<ClickEvent> good, List<Planned> bad) {
        List<Planned> out = new ArrayList<>();
        good.forEach(c -> out.add(new Planned(pipeline.record(c), null)));
        int stride = Math.max(1, out.size() / (bad.size() + 1));
        for (int i = 0; i < bad.size(); i++) {
            out.add((i + 1) * stride + i, bad.get(i));
        }
        return out;
    }

    private static List<Planned> badRecords(JobDeployment pipeline) {
        byte[] garbage = new byte[512];
        new Random(5).nextBytes(garbage);
        byte[] valid = pipeline.encode(ClickScript.click("bad", "i", T0, null));
        List<Planned> bad = new ArrayList<>();
        for (int p = 0; p < ClickScript.PARTITIONS; p++) {
            bad.add(
                    raw(
                            pipeline,
                            p,
                            "garbage".getBytes(StandardCharsets.UTF_8),
                            garbage,
                            DeadLetterReason.UNDECODABLE));
            bad.add(
                    raw(
                            pipeline,
                            p,
                            "k".getBytes(StandardCharsets.UTF_8),
                            foreignSchemaRecord(),
                            DeadLetterReason.UNKNOWN_SCHEMA));
            bad.add(raw(pipeline, p, null, null, DeadLetterReason.UNDECODABLE)); // tombstone
            bad.add(raw(pipeline, p, null, new byte[0], DeadLetterReason.UNDECODABLE));
            bad.add(
                    raw(
                            pipeline,
                            p,
                            null,
                            Arrays.copyOf(valid, valid.length - 7),
                            DeadLetterReason.UNDECODABLE)); // truncated body
            bad.add(
                    click(
                            pipeline,
                            p,
                            ClickScript.click("", "i", T0, null),
                            DeadLetterReason.MISSING_USER_ID));
            bad.add(
                    click(
                            pipeline,
                            p,
                            ClickScript.click("  ", "i", T0, null),
                            DeadLetterReason.MISSING_USER_ID));
            bad.add(
                    click(
                            pipeline,
                            p,
                            ClickScript.click("bad", "", T0, null),
                            DeadLetterReason.MISSING_ITEM_ID));
            bad.add(
                    click(
                            pipeline,
                            p,
                            ClickScript.click("bad", "i", -86_400_000L, null),
                            DeadLetterReason.ABSURD_EVENT_TIME));
            bad.add(
                    click(
                            pipeline,
                            p,
                            ClickScript.click(
                                    "bad",
                                    "i",
                                    Instant.parse("2100-01-01T00:00:00Z").toEpochMilli(),
                                    null),
                            DeadLetterReason.ABSURD_EVENT_TIME));
            bad.add(
                    click(
                            pipeline,
                            p,
                            ClickScript.click("x".repeat(300), "i", T0, null),
                            DeadLetterReason.OVERSIZE_ID));
            bad.add(
                    click(
                            pipeline,
                            p,
                            ClickScript.click("u".repeat(LARGE_ID), "i", T0, null),
                            DeadLetterReason.OVERSIZE_ID));
            bad.add(
                    click(
                            pipeline,
                            p,
                            ClickScript.click("bad", "i".repeat(LARGE_ID), T0, null),
                            DeadLetterReason.OVERSIZE_ID));
        }
        return bad;
    }

    private static Planned raw(
            JobDeployment pipeline,
            int partition,
            byte[] key,
            byte[] value,
            DeadLetterReason reason) {
        return new Planned(
                new ProducerRecord<>(pipeline.clicks, partition, null, key, value), reason);
    }

    private static Planned click(
            JobDeployment pipeline, int partition, ClickEvent c, DeadLetterReason reason) {
        byte[] key =
                c.getUserId().length() > 64
                        ? "long".getBytes(StandardCharsets.UTF_8)
                        : c.getUserId().getBytes(StandardCharsets.UTF_8);
        return new Planned(
                new ProducerRecord<>(pipeline.clicks, partition, null, key, pipeline.encode(c)),
                reason);
    }

    /** A well-formed single-object Avro record of another schema (another fingerprint). */
    private static byte[] foreignSchemaRecord() {
        Schema foreign =
                SchemaBuilder.record("Other")
                        .namespace("elsewhere")
                        .fields()
                        .requiredString("x")
                        .endRecord();
        GenericRecord r = new GenericData.Record(foreign);
        r.put("x", "y");
        try {
            ByteBuffer b =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), foreign).encode(r);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
