package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.local.KafkaTopics;
import org.sdmstream.local.LocalKafkaBroker;
import org.sdmstream.local.LocalSchemaRegistry;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.wire.RecordCodec;
import org.sdmstream.wire.registry.RegistryCodec;
import org.sdmstream.wire.registry.RegistryFraming;
import org.sdmstream.wire.registry.SchemaRegistryClient;

/**
 * The Python example ({@code examples/python/sdm_clients.py}: confluent-kafka and fastavro) against
 * a real broker, in both wire formats: clicks it publishes decode with the Java codecs to the same
 * records, and vectors the Java codecs write (committed, next to an aborted transaction) come out
 * of it as JSON. The registry is a real one ({@link LocalSchemaRegistry}). Skipped where no Python
 * 3 has both modules, unless {@code SDM_REQUIRE_PYTHON=true}.
 */
class PythonClientsITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPT =
            Path.of("").toAbsolutePath().getParent().resolve("examples/python/sdm_clients.py");
    private static final Duration PYTHON_TIMEOUT = Duration.ofSeconds(60);

    /** click_event.avsc's fields as a Python client sends them (optional ones left out or set). */
    private static final List<String> CLICK_LINES =
            List.of(
                    "{\"userId\": \"u1\", \"itemId\": \"i1\", \"eventTime\": 1700000000123, \"clientEventId\": \"e1\"}",
                    "{\"userId\": \"u2\", \"itemId\": \"i7\", \"categoryId\": \"c3\", \"brandId\": \"b1\", \"shopId\": \"s9\","
                            + " \"sessionId\": \"app-1\", \"eventTime\": 1700000001000, \"profile\": {\"age\": \"30-39\"}}",
                    "{\"userId\": \"u1\", \"itemId\": \"i2\", \"categoryId\": null, \"eventTime\": 1700000002000}");

    private static final List<ClickEvent> CLICKS =
            List.of(
                    click("u1", "i1", 1700000000123L).setClientEventId("e1").build(),
                    click("u2", "i7", 1700000001000L)
                            .setCategoryId("c3")
                            .setBrandId("b1")
                            .setShopId("s9")
                            .setSessionId("app-1")
                            .setProfile(Map.of("age", "30-39"))
                            .build(),
                    click("u1", "i2", 1700000002000L).build());

    @TempDir static Path dir;

    static String python;
    static LocalKafkaBroker broker;
    static LocalSchemaRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        python = pythonWithClientModules();
        broker = LocalKafkaBroker.start(dir.resolve("kafka"), Map.of());
        KafkaTopics.ensure(
                broker.bootstrapServers(),
                List.of("py-clicks", "py-clicks-registry", "py-vectors", "py-vectors-registry"),
                1,
                KafkaTopics.KEEP_FOREVER);
        registry = LocalSchemaRegistry.start(dir.resolve("registry"));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void clicksPublishedFromPythonAsSingleObjectsDecodeInJava() throws Exception {
        PythonRun publish =
                python(
                        String.join("\n", CLICK_LINES),
                        "publish-clicks",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--topic",
                        "py-clicks");
        assertThat(publish.exit()).as(publish.err()).isZero();
        assertThat(publish.err()).contains("3 clicks sent to py-clicks, 0 failed");

        AvroCodec<ClickEvent> codec = AvroCodec.of(ClickEvent.class);
        assertThat(values("py-clicks", 3).stream().map(codec::decode))
                .containsExactlyElementsOf(CLICKS);
    }

    @Test
    void clicksPublishedFromPythonInTheRegistryFormatDecodeInJava() throws Exception {
        PythonRun publish =
                python(
                        String.join("\n", CLICK_LINES),
                        "publish-clicks",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--topic",
                        "py-clicks-registry",
                        "--wire-format",
                        "registry",
                        "--registry-url",
                        registry.url());
        assertThat(publish.exit()).as(publish.err()).isZero();
        assertThat(subjects()).contains("py-clicks-registry-value");

        RegistryCodec<ClickEvent> codec =
                new RegistryCodec<>(ClickEvent.class, registryClient(), "py-clicks-registry-value");
        assertThat(values("py-clicks-registry", 3).stream().map(codec::decode))
                .containsExactlyElementsOf(CLICKS);
    }

    @Test
    void pythonEncodesAClickByteForByteAsJava() throws Exception {
        byte[] singleObject = AvroCodec.of(ClickEvent.class).encode(CLICKS.get(1));
        assertThat(encodedByPython("--wire-format", "single-object")).isEqualTo(singleObject);

        int id = 0x01020304;
        byte[] body = Arrays.copyOfRange(singleObject, 10, singleObject.length);
        byte[] framed = RegistryFraming.header(id);
        framed = Arrays.copyOf(framed, framed.length + body.length);
        System.arraycopy(body, 0, framed, RegistryFraming.HEADER_LENGTH, body.length);
        assertThat(
                        encodedByPython(
                                "--wire-format", "registry", "--schema-id", Integer.toString(id)))
                .isEqualTo(framed);
    }

    @Test
    void pythonReadsCommittedSingleObjectVectors() throws Exception {
        assertPythonReadsCommittedVectors("py-vectors", AvroCodec.of(UserInterestVector.class));
    }

    @Test
    void pythonReadsCommittedRegistryVectors() throws Exception {
        assertPythonReadsCommittedVectors(
                "py-vectors-registry",
                new RegistryCodec<>(
                        UserInterestVector.class, registryClient(), "py-vectors-registry-value"));
    }

    /**
     * One vector in an aborted transaction, then two committed: read_committed must skip the first.
     */
    private static void assertPythonReadsCommittedVectors(
            String topic, RecordCodec<UserInterestVector> codec) throws Exception {
        List<UserInterestVector> committed =
                List.of(vector("u1", 0.1f, -2.5f), vector("u2", 3.25f, 1e-3f));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "python-it-" + topic);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(topic, codec, vector("aborted", 9f))).get();
            producer.abortTransaction();
            producer.beginTransaction();
            for (UserInterestVector v : committed) {
                producer.send(record(topic, codec, v));
            }
            producer.commitTransaction();
        }

        PythonRun read =
                python(
                        "",
                        "read-vectors",
                        "--bootstrap-servers",
                        broker.bootstrapServers(),
                        "--topic",
                        topic,
                        "--registry-url",
                        registry.url(),
                        "--max-records",
                        "2",
                        "--timeout",
                        "30");
        assertThat(read.exit()).as(read.err()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : read.out().split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).as(read.err()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            UserInterestVector expected = committed.get(i);
            JsonNode line = lines.get(i);
            assertThat(line.path("userId").asText()).isEqualTo(expected.getUserId());
            List<Float> vector = new ArrayList<>();
            line.path("vector").forEach(x -> vector.add((float) x.asDouble()));
            assertThat(vector).isEqualTo(expected.getVector());
            assertThat(line.path("modelVersion").asText()).isEqualTo(expected.getModelVersion());
            assertThat(line.path("sessionId").asText()).isEqualTo(expected.getSessionId());
            assertThat(line.path("sessionLength").asInt()).isEqualTo(expected.getSessionLength());
            assertThat(line.path("longTermLength").asInt()).isEqualTo(expected.getLongTermLength());
            assertThat(line.path("eventTime").asLong())
                    .isEqualTo(expected.getEventTime().toEpochMilli());
            assertThat(line.path("emissionTime").asLong())
                    .isEqualTo(expected.getEmissionTime().toEpochMilli());
        }
    }

    private static ClickEvent.Builder click(String user, String item, long eventTime) {
        return ClickEvent.newBuilder()
                .setUserId(user)
                .setItemId(item)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setCategoryId(null)
                .setBrandId(null)
                .setShopId(null)
                .setSessionId(null)
                .setProfile(null)
                .setClientEventId(null);
    }

    private static UserInterestVector vector(String user, Float... values) {
        return UserInterestVector.newBuilder()
                .setUserId(user)
                .setVector(List.of(values))
                .setModelVersion("m-20240101")
                .setSessionId(user + "@1700000000000")
                .setSessionLength(3)
                .setLongTermLength(12)
                .setEventTime(Instant.ofEpochMilli(1700000000123L))
                .setEmissionTime(Instant.ofEpochMilli(1700000000456L))
                .build();
    }

    private static ProducerRecord<byte[], byte[]> record(
            String topic, RecordCodec<UserInterestVector> codec, UserInterestVector v) {
        return new ProducerRecord<>(
                topic, v.getUserId().getBytes(StandardCharsets.UTF_8), codec.encode(v));
    }

    private static byte[] encodedByPython(String... formatArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("encode-click"));
        args.addAll(List.of(formatArgs));
        PythonRun encode = python(CLICK_LINES.get(1), args.toArray(String[]::new));
        assertThat(encode.exit()).as(encode.err()).isZero();
        return HexFormat.of().parseHex(encode.out().strip());
    }

    /** The values of the first {@code count} records of {@code topic}, read committed. */
    private static List<byte[]> values(String topic, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "java-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
        }
        assertThat(values).as("records on " + topic).hasSize(count);
        return values;
    }

    private record PythonRun(int exit, String out, String err) {}

    private static PythonRun python(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString()));
        command.addAll(List.of(args));
        return run(command, stdin);
    }

    private static PythonRun run(List<String> command, String stdin)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "py", ".out");
        Path err = Files.createTempFile(dir, "py", ".err");
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(PYTHON_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    command
                            + " did not finish in "
                            + PYTHON_TIMEOUT
                            + ": "
                            + Files.readString(err));
        }
        return new PythonRun(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * The first of {@code SDM_PYTHON}, {@code python3} on the PATH and Debian's {@code
     * /usr/bin/python3} (where {@code apt-get install python3-confluent-kafka} puts the module)
     * that imports both modules; skips the class, or with {@code SDM_REQUIRE_PYTHON=true} fails it,
     * when none does.
     */
    private static String pythonWithClientModules() throws InterruptedException {
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("SDM_PYTHON");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.addAll(List.of("python3", "/usr/bin/python3"));
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates) {
            try {
                PythonRun check =
                        run(List.of(candidate, "-c", "import confluent_kafka, fastavro"), "");
                if (check.exit() == 0) {
                    return candidate;
                }
                String[] errLines = check.err().strip().split("\n");
                tried.add(candidate + ": " + errLines[errLines.length - 1]);
            } catch (IOException e) {
                tried.add(candidate + ": not found");
            }
        }
        String message =
                "no Python 3 here imports confluent_kafka and fastavro ("
                        + String.join("; ", tried)
                        + "); install them as examples/python/README.md says, or point SDM_PYTHON at one that has them";
        if (Boolean.parseBoolean(System.getenv("SDM_REQUIRE_PYTHON"))) {
            throw new AssertionError(message + ". Required here (SDM_REQUIRE_PYTHON=true)");
        }
        return Assumptions.abort("Python clients not tested: " + message);
    }

    private static SchemaRegistryClient registryClient() {
        return new SchemaRegistryClient(
                registry.url(), Duration.ofSeconds(5), Duration.ofSeconds(1));
    }

    /** The subjects the registry holds ({@code GET /subjects}). */
    private static List<String> subjects() throws IOException, InterruptedException {
        HttpResponse<String> answer =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<String> subjects = new ArrayList<>();
        JSON.readTree(answer.body()).forEach(subject -> subjects.add(subject.asText()));
        return subjects;
    }
}
