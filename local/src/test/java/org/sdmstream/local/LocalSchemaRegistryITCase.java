package org.sdmstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
