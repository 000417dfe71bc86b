package org.sdmstream.local.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The few calls of Flink's REST API that deploying and operating a job needs: upload and run a jar
 * (optionally from a savepoint), job and checkpoint status, operator metrics, stop with a
 * savepoint, cancel.
 */
public final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRestClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** {@code POST /jars/upload}; returns the jar id to run. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "----sdm" + UUID.randomUUID();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(
                                HttpRequest.BodyPublishers.concat(
                                        HttpRequest.BodyPublishers.ofByteArray(head),
                                        HttpRequest.BodyPublishers.ofFile(jar),
                                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                        .build();
        String filename = send(request).path("filename").asText();
        if (filename.isEmpty()) {
            throw new IOException("jar upload of " + jar + " returned no file name");
        }
        return Path.of(filename).getFileName().toString();
    }

    /** {@code POST /jars/:id/run}; the job's main runs in the JobManager; returns the job id. */
    public String runJar(String jarId, JarRun run) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", run.entryClass());
        body.putPOJO("programArgsList", run.args());
        if (run.parallelism() > 0) {
            body.put("parallelism", run.parallelism());
        }
        if (run.savepointPath() != null) {
            body.put("savepointPath", run.savepointPath());
            body.put("allowNonRestoredState", run.allowNonRestoredState());
        }
        JsonNode answer = send(post("/jars/" + jarId + "/run", body));
        String jobId = answer.path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new IOException("running jar " + jarId + " returned no job id: " + answer);
        }
        return jobId;
    }

    /** The job's state (RUNNING, FAILING, FINISHED...) and the distinct states of its vertices. */
    public JobStatus jobStatus(String jobId) throws IOException {
        JsonNode job = get("/jobs/" + jobId);
        Set<String> vertices = new TreeSet<>();
        job.path("vertices").forEach(v -> vertices.add(v.path("status").asText()));
        return new JobStatus(job.path("state").asText(), vertices);
    }

    /** Job id → state of every job the cluster knows. */
    public Map<String, String> jobs() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        get("/jobs/overview")
                .path("jobs")
                .forEach(j -> out.put(j.path("jid").asText(), j.path("state").asText()));
        return out;
    }

    public CheckpointStats checkpoints(String jobId) throws IOException {
        JsonNode c = get("/jobs/" + jobId + "/checkpoints");
        JsonNode latest = c.path("latest").path("completed");
        JsonNode restored = c.path("latest").path("restored");
        return new CheckpointStats(
                c.path("counts").path("completed").asLong(),
                c.path("counts").path("failed").asLong(),
                c.path("counts").path("restored").asLong(),
                latest.path("id").asLong(0),
                latest.path("external_path").asText(null),
                latest.path("checkpointed_size").asLong(0),
                latest.path("state_size").asLong(0),
                restored.path("id").asLong(0));
    }

    /**
     * The job's vertices, id → name (a chained vertex's name lists its operators, e.g. "Source:
     * clicks -> ...").
     */
    public Map<String, String> vertices(String jobId) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        get("/jobs/" + jobId)
                .path("vertices")
                .forEach(v -> out.put(v.path("id").asText(), v.path("name").asText()));
        return out;
    }

    /**
     * The ids of the metrics a vertex's subtasks report ({@code GET
     * /jobs/:id/vertices/:vid/subtasks/metrics}), operator metrics prefixed by the operator's name.
     * Empty until the web UI's metric fetcher has run ({@code metrics.fetcher.update-interval}).
     */
    public List<String> subtaskMetricIds(String jobId, String vertexId) throws IOException {
        List<String> ids = new ArrayList<>();
        get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics")
                .forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    /**
     * Each metric's sum over the vertex's subtasks that report it ({@code
     * ...subtasks/metrics?get=a,b&agg=sum}); metrics no subtask reports (yet) are absent. Values
     * are as fresh as the metric fetcher's last update.
     */
    public Map<String, Double> subtaskMetricSums(
            String jobId, String vertexId, Collection<String> ids) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        String get =
                ids.stream()
                        .map(id -> URLEncoder.encode(id, StandardCharsets.UTF_8))
                        .collect(Collectors.joining(","));
        get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics?agg=sum&get=" + get)
                .forEach(
                        m -> {
                            if (m.has("sum")) {
                                out.put(m.path("id").asText(), m.path("sum").asDouble());
                            }
                        });
        return out;
    }

    /** The root exception and recent failures of a job, for diagnostics. */
    public String exceptions(String jobId) throws IOException {
        JsonNode e = get("/jobs/" + jobId + "/exceptions");
        List<String> out = new ArrayList<>();
        e.path("exceptionHistory")
                .path("entries")
                .forEach(
                        x ->
                                out.add(
                                        x.path("stacktrace")
                                                .asText()
                                                .lines()
                                                .limit(8)
                                                .reduce("", (a, b) -> a + b + "\n")));
        return String.join("---\n", out);
    }

    /** Registered TaskManager ids. */
    public List<String> taskManagers() throws IOException {
        List<String> ids = new ArrayList<>();
        get("/taskmanagers").path("taskmanagers").forEach(t -> ids.add(t.path("id").asText()));
        return ids;
    }

    /**
     * Stop-with-savepoint ({@code POST /jobs/:id/stop}): the sources stop, a final savepoint is
     * taken and committed, the job ends FINISHED. Returns the savepoint path.
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("drain", false);
        if (targetDirectory != null) {
            body.put("targetDirectory", targetDirectory);
        }
        String triggerId = send(post("/jobs/" + jobId + "/stop", body)).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + triggerId);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode op = status.path("operation");
                if (op.has("failure-cause")) {
                    throw new IOException(
                            "stop-with-savepoint of "
                                    + jobId
                                    + " failed: "
                                    + op.path("failure-cause")
                                            .path("stack-trace")
                                            .asText()
                                            .lines()
                                            .limit(12)
                                            .toList());
                }
                return op.path("location").asText();
            }
            LocalFlinkCluster.sleep(200);
        }
        throw new IOException(
                "stop-with-savepoint of " + jobId + " did not complete within " + timeout);
    }

    /** {@code PATCH /jobs/:id?mode=cancel}. */
    public void cancel(String jobId) throws IOException {
        send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + jobId + "?mode=cancel"))
                        .timeout(REQUEST_TIMEOUT)
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build());
    }

    /** Waits until the job and every one of its tasks run (all slots assigned, state restored). */
    public void awaitRunning(String jobId, Duration timeout) throws IOException {
        awaitStatus(jobId, timeout, s -> s.isFullyRunning(), "all tasks RUNNING");
    }

    /** Waits until the job is in {@code state} (e.g. FINISHED, CANCELED). */
    public void awaitState(String jobId, String state, Duration timeout) throws IOException {
        awaitStatus(jobId, timeout, s -> s.state().equals(state), state);
    }

    /**
     * Waits until the job leaves the all-RUNNING state (e.g. after a TaskManager was killed);
     * returns what it became.
     */
    public JobStatus awaitNotRunning(String jobId, Duration timeout) throws IOException {
        return awaitStatus(jobId, timeout, s -> !s.isFullyRunning(), "not RUNNING");
    }

    /** Waits for a completed checkpoint with an id above {@code afterId}; returns the new stats. */
    public CheckpointStats awaitCheckpointAfter(String jobId, long afterId, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CheckpointStats stats = checkpoints(jobId);
        while (stats.latestId() <= afterId) {
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "no checkpoint after "
                                + afterId
                                + " of job "
                                + jobId
                                + " within "
                                + timeout
                                + ": "
                                + stats
                                + "\n"
                                + exceptions(jobId));
            }
            LocalFlinkCluster.sleep(200);
            stats = checkpoints(jobId);
        }
        return stats;
    }

    private JobStatus awaitStatus(
            String jobId,
            Duration timeout,
            java.util.function.Predicate<JobStatus> done,
            String what)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobStatus status = jobStatus(jobId);
        while (!done.test(status)) {
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "job "
                                + jobId
                                + " not "
                                + what
                                + " within "
                                + timeout
                                + ": "
                                + status
                                + "\n"
                                + exceptions(jobId));
            }
            LocalFlinkCluster.sleep(200);
            status = jobStatus(jobId);
        }
        return status;
    }

    private HttpRequest post(String path, JsonNode body) throws IOException {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
    }

    private JsonNode get(String path) throws IOException {
        return send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .timeout(REQUEST_TIMEOUT)
                        .GET()
                        .build());
    }

    private JsonNode send(HttpRequest request) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + request.method() + " " + request.uri(), e);
        }
        if (response.statusCode() >= 300) {
            throw new IOException(
                    request.method()
                            + " "
                            + request.uri()
                            + " -> "
                            + response.statusCode()
                            + ": "
                            + abbreviate(response.body()));
        }
        String body = response.body();
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
    }
}
