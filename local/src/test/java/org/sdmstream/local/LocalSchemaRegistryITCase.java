package org.sdmstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.wire.registry.SchemaRegistryClient;

/**
 * The registry process answers the Confluent API calls the wire format makes: register two versions
 * of a subject, read each back by id, 404 for an id it never gave.
 */
class LocalSchemaRegistryITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final String V1 =
            "{\"type\":\"record\",\"name\":\"Click\",\"fields\":[{\"name\":\"itemId\",\"type\":\"string\"}]}";
    private static final String V2 =
            "{\"type\":\"record\",\"name\":\"Click\",\"fields\":[{\"name\":\"itemId\",\"type\":\"string\"},"
                    + "{\"name\":\"referrer\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

    @Test
    void registersVersionsAndServesThemById(@TempDir Path dir) throws Exception {
        LocalSchemaRegistry stopped;
        try (LocalSchemaRegistry registry = LocalSchemaRegistry.start(dir)) {
            assertThat(registry.url()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
            assertThat(get(registry, "/subjects").body()).isEqualTo("[]");

            int v1 = register(registry, "clicks-value", V1);
            int v2 = register(registry, "clicks-value", V2);
            assertThat(v2).isNotEqualTo(v1);
            assertThat(register(registry, "clicks-value", V1))
                    .as("already registered")
                    .isEqualTo(v1);

            assertThat(schemaById(registry, v1)).isEqualTo(JSON.readTree(V1));
            assertThat(schemaById(registry, v2)).isEqualTo(JSON.readTree(V2));
            assertThat(JSON.readTree(get(registry, "/subjects/clicks-value/versions").body()))
                    .hasSize(2);
            assertThat(get(registry, "/schemas/ids/" + (v2 + 1000)).statusCode()).isEqualTo(404);
            assertThat(registry.logFile()).content().contains("Listening on: http://127.0.0.1:");
            stopped = registry;
        }
        assertThat(stopped.isAlive()).isFalse();
    }

    /**
     * A job's sinks register their subjects at the same moment, and a sink's parallel writers the
     * same subject: every one gets its id, as from a Confluent registry.
     */
    @Test
    void firstRegistrationsAtTheSameMomentAllGetTheirIds(@TempDir Path dir) throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (LocalSchemaRegistry registry = LocalSchemaRegistry.start(dir)) {
            List<Integer> distinct =
                    atOnce(
                            pool,
                            writers,
                            i ->
                                    client(registry)
                                            .register(
                                                    "s" + i + "-value",
                                                    new Schema.Parser()
                                                            .parse(V1.replace("Click", "R" + i))));
            assertThat(distinct).doesNotHaveDuplicates();

            Schema v1 = new Schema.Parser().parse(V1);
            List<Integer> same =
                    atOnce(pool, writers, i -> client(registry).register("same-value", v1));
            assertThat(same).containsOnly(same.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code n} calls of {@code call}, released together; their results in order. */
    private static List<Integer> atOnce(ExecutorService pool, int n, IntFunction<Integer> call)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.add(
                    pool.submit(
                            () -> {
                                start.await();
                                return call.apply(index);
                            }));
        }
        start.countDown();
        List<Integer> results = new ArrayList<>();
        for (Future<Integer> f : futures) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        return results;
    }

    /** A writer's own client (its own cache), as each parallel writer of a sink has. */
    private static SchemaRegistryClient client(LocalSchemaRegistry registry) {
        return new SchemaRegistryClient(
                registry.url(), Duration.ofSeconds(30), Duration.ofSeconds(1));
    }

    private static int register(LocalSchemaRegistry registry, String subject, String schema)
            throws Exception {
        HttpResponse<String> answer =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                registry.url()
                                                        + "/subjects/"
                                                        + subject
                                                        + "/versions"))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.createObjectNode()
                                                        .put("schema", schema)
                                                        .toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).path("id").asInt();
    }

    private static JsonNode schemaById(LocalSchemaRegistry registry, int id) throws Exception {
        HttpResponse<String> answer = get(registry, "/schemas/ids/" + id);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(JSON.readTree(answer.body()).path("schema").asText());
    }

    private static HttpResponse<String> get(LocalSchemaRegistry registry, String path)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(registry.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
