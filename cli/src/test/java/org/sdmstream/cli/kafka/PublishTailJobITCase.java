package org.sdmstream.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.cli.CommandRun;
import org.sdmstream.local.KafkaTopics;
import org.sdmstream.local.LocalKafkaBroker;

/**
 * {@code sdm publish}, {@code sdm tail} and {@code sdm job} against a real KRaft broker (child
 * JVM): clicks published from the generator and from a file come back from tail as JSON, and the
 * job turns published clicks into one session-features record per click.
 */
class PublishTailJobITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;

    static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"), Map.of());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static List<JsonNode> lines(String out) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void generatedClicksRoundTripThroughPublishAndTail() throws Exception {
        CommandRun publish =
                CommandRun.sdm(
                        "publish",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--topic",
                        "gen-clicks",
                        "--create-topic",
                        "2",
                        "--generate",
                        "--users",
                        "50",
                        "--items",
                        "300",
                        "--seed",
                        "7",
                        "--max-events",
                        "400");
        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(publish.err()).contains("400 clicks sent to gen-clicks, 0 failed");

        CommandRun tail =
                CommandRun.sdm(
                        "tail",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--topic",
                        "gen-clicks",
                        "--from-beginning",
                        "--max-records",
                        "400",
                        "--timeout",
                        "30s");
        assertThat(tail.exitCode()).as(tail.err()).isZero();
        List<JsonNode> records = lines(tail.out());
        assertThat(records).hasSize(400);
        Set<String> users = new HashSet<>();
        Set<Integer> partitions = new HashSet<>();
        for (JsonNode r : records) {
            assertThat(r.get("topic").asText()).isEqualTo("gen-clicks");
            assertThat(r.get("type").asText()).isEqualTo("ClickEvent");
            JsonNode click = r.get("value");
            // key = user id, so one user's clicks stay in one partition, in order
            assertThat(r.get("key").asText()).isEqualTo(click.get("userId").asText());
            assertThat(click.get("itemId").asText()).isNotBlank();
            assertThat(click.get("eventTime").isIntegralNumber()).isTrue();
            users.add(click.get("userId").asText());
            partitions.add(r.get("partition").asInt());
        }
        assertThat(users).hasSizeGreaterThan(10).hasSizeLessThanOrEqualTo(50);
        assertThat(partitions).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void aClickFileIsPublishedInEventTimeOrderAndTailedAsJson() throws Exception {
        Path log = dir.resolve("clicks.tsv");
        // Out of event-time order on purpose: publish sorts by event time, ties in file order.
        Files.writeString(
                log,
                "u\ti\tt\tc\n"
                        + "alice\tbook\t1700000120\tc1\n"
                        + "bob\tpen\t1700000060\tc2\n"
                        + "alice\tlamp\t1700000060\tc3\n",
                StandardCharsets.UTF_8);
        CommandRun publish =
                CommandRun.sdm(
                        "publish",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--topic",
                        "file-clicks",
                        "--create-topic",
                        "1",
                        "--input",
                        log.toString(),
                        "--user",
                        "u",
                        "--item",
                        "i",
                        "--time",
                        "t",
                        "--category",
                        "c");
        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(publish.err()).contains("3 clicks sent to file-clicks");

        CommandRun tail =
                CommandRun.sdm(
                        "tail",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--topic",
                        "file-clicks",
                        "--from-beginning",
                        "--timeout",
                        "5s",
                        "--values-only");
        assertThat(tail.exitCode()).as(tail.err()).isZero();
        List<JsonNode> clicks = lines(tail.out());
        assertThat(clicks)
                .extracting(c -> c.get("itemId").asText())
                .containsExactly("pen", "lamp", "book");
        assertThat(clicks)
                .extracting(c -> c.get("eventTime").asLong())
                .containsExactly(1_700_000_060_000L, 1_700_000_060_000L, 1_700_000_120_000L);
        assertThat(clicks.get(0).get("categoryId").asText()).isEqualTo("c2");
        assertThat(clicks.get(0).get("brandId").isNull()).isTrue();
    }

    @Test
    void tailShowsARecordItCannotDecodeWithItsRawBytes() throws Exception {
        KafkaTopics.ensure(broker.bootstrapServers(), List.of("junk"), 1, KafkaTopics.KEEP_FOREVER);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    "junk",
                                    "k".getBytes(StandardCharsets.UTF_8),
                                    "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        CommandRun tail =
                CommandRun.sdm(
                        "tail",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--topic",
                        "junk",
                        "--from-beginning",
                        "--max-records",
                        "1",
                        "--timeout",
                        "20s");
        assertThat(tail.exitCode()).as(tail.err()).isZero();
        JsonNode r = lines(tail.out()).get(0);
        assertThat(r.get("type").isNull()).isTrue();
        assertThat(r.get("error").asText()).contains("not an Avro single-object payload");
        assertThat(r.get("raw").asText()).isEqualTo("bm90IGF2cm8=");

        CommandRun missing =
                CommandRun.sdm(
                        "tail",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--topic",
                        "no-such-topic",
                        "--timeout",
                        "1s");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("topic 'no-such-topic' does not exist");
    }

    @Test
    void theJobTurnsPublishedClicksIntoSessionFeatures() throws Exception {
        String bootstrap = broker.bootstrapServers();
        KafkaTopics.ensure(bootstrap, List.of("job-clicks"), 2, KafkaTopics.KEEP_FOREVER);
        KafkaTopics.ensure(
                bootstrap,
                List.of("job-features", "job-dead", "job-late"),
                1,
                KafkaTopics.KEEP_FOREVER);
        CommandRun publish =
                CommandRun.sdm(
                        "publish",
                        "--bootstrap-servers",
                        bootstrap,
                        "--topic",
                        "job-clicks",
                        "--generate",
                        "--users",
                        "20",
                        "--max-events",
                        "300",
                        "--seed",
                        "3");
        assertThat(publish.exitCode()).as(publish.err()).isZero();

        Path config = dir.resolve("job.properties");
        Files.writeString(
                config,
                "kafka.bootstrap-servers="
                        + bootstrap
                        + "\n"
                        + "topic.clicks=job-clicks\ntopic.session-features=job-features\n"
                        + "topic.dead-letters=job-dead\ntopic.late-clicks=job-late\n"
                        + "kafka.starting-offsets=earliest\ncheckpoint.interval=1 s\n"
                        + "checkpoint.dir="
                        + dir.resolve("checkpoints").toUri()
                        + "\n");
        // A bounded source: the job stops by itself at the end of the input, after its final
        // commit.
        CommandRun job =
                CommandRun.sdm(
                        "job",
                        "--config",
                        config.toString(),
                        "kafka.bounded=true",
                        "job.parallelism=1",
                        "sink.transactional-id-prefix=it-job");
        assertThat(job.exitCode()).as(job.err()).isZero();
        assertThat(job.err()).contains("web UI at http://127.0.0.1:", "finished");

        CommandRun tail =
                CommandRun.sdm(
                        "tail",
                        "--bootstrap-servers",
                        bootstrap,
                        "--topic",
                        "job-features",
                        "--from-beginning",
                        "--timeout",
                        "5s");
        assertThat(tail.exitCode()).as(tail.err()).isZero();
        List<JsonNode> features = lines(tail.out());
        assertThat(features).hasSize(300);
        for (JsonNode f : features) {
            assertThat(f.get("type").asText()).isEqualTo("SessionFeatures");
            JsonNode v = f.get("value");
            assertThat(v.get("sessionClicks").size()).isEqualTo(v.get("position").asInt());
            assertThat(v.get("sessionId").asText()).startsWith(v.get("userId").asText() + "@");
        }

        CommandRun badKey =
                CommandRun.sdm("job", "kafka.bootstrap-servers=" + bootstrap, "no.such.key=1");
        assertThat(badKey.exitCode()).isEqualTo(2);
        assertThat(badKey.err()).contains("unknown configuration key 'no.such.key'");
    }

    @Test
    void aStopSignalStopsTheJobWithASavepoint() throws Exception {
        String bootstrap = broker.bootstrapServers();
        KafkaTopics.ensure(
                bootstrap,
                List.of("stop-clicks", "stop-features", "stop-dead", "stop-late"),
                1,
                KafkaTopics.KEEP_FOREVER);
        Path root =
                Path.of("").toAbsolutePath().getParent(); // failsafe runs in the module directory
        Path savepoints = dir.resolve("savepoints");
        Path err = dir.resolve("job.err");
        ProcessBuilder pb =
                new ProcessBuilder(
                                "bash",
                                root.resolve("bin/sdm").toString(),
                                "job",
                                "--savepoint-dir",
                                savepoints.toUri().toString(),
                                "kafka.bootstrap-servers=" + bootstrap,
                                "topic.clicks=stop-clicks",
                                "topic.session-features=stop-features",
                                "topic.dead-letters=stop-dead",
                                "topic.late-clicks=stop-late",
                                "checkpoint.interval=1 s",
                                "checkpoint.dir=" + dir.resolve("stop-checkpoints").toUri(),
                                "job.parallelism=1",
                                "sink.transactional-id-prefix=it-stop")
                        .redirectOutput(dir.resolve("job.out").toFile())
                        .redirectError(err.toFile());
        pb.environment().put("SDM_NO_BUILD", "1");
        Process job = pb.start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(err).contains("all tasks running")
                    && System.nanoTime() < deadline) {
                assertThat(job.isAlive()).as(Files.readString(err)).isTrue();
                Thread.sleep(200);
            }
            job.destroy(); // SIGTERM runs the shutdown hook, as Ctrl-C does
            assertThat(job.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            job.destroyForcibly();
        }
        String log = Files.readString(err);
        assertThat(log).contains("stopping with a savepoint", "stopped; savepoint at");
        try (var found = Files.walk(savepoints)) {
            assertThat(found.anyMatch(f -> f.getFileName().toString().equals("_metadata")))
                    .as(log)
                    .isTrue();
        }
    }
}
