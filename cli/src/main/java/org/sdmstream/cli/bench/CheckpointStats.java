package org.sdmstream.cli.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The latest completed checkpoint of a job, from the Flink REST API ({@code /jobs/<id>/checkpoints}):
 * its full state size and the size it added (incremental RocksDB checkpoints upload only new files).
 */
record CheckpointStats(long id, long stateSize, long checkpointedSize) {

    static final CheckpointStats NONE = new CheckpointStats(-1, 0, 0);

    static CheckpointStats latest(String restUrl, String jobId) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(restUrl + "/jobs/" + jobId + "/checkpoints")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode completed = new ObjectMapper().readTree(response.body()).path("latest").path("completed");
            if (completed.isMissingNode() || completed.isNull()) {
                return NONE;
            }
            return new CheckpointStats(completed.path("id").asLong(-1), completed.path("state_size").asLong(0),
                    completed.path("checkpointed_size").asLong(0));
        } catch (Exception e) {
            return NONE;
        }
    }
}
