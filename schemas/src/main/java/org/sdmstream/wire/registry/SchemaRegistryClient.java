package org.sdmstream.wire.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The two calls of the Confluent Schema Registry REST API the pipeline needs, written by hand over
 * {@code java.net.http} (Confluent's client is not on Maven Central, and the API is two requests):
 * {@code GET /schemas/ids/{id}} for a reader, {@code POST /subjects/{subject}/versions} (register,
 * or find the id of an already registered schema) for a writer. Works against Confluent, Karapace
 * and Apicurio's {@code /apis/ccompat/v7} endpoint; the base URL is the part before {@code
 * /schemas}.
 *
 * <p>Answers are cached for good (a registry never changes what an id means), so only the first
 * record with a new id waits for the registry. A failure is remembered for {@code retryAfter}:
 * while the registry is down, records with that id fail at once instead of each waiting for a
 * timeout. Thread-safe.
 */
public final class SchemaRegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String baseUrl;
    private final Duration requestTimeout;
    private final long retryAfterNanos;
    private final LongSupplier nanoClock;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Failure> recentFailures = new ConcurrentHashMap<>();

    private record Failure(RegistryLookupException error, long atNanos) {}

    public SchemaRegistryClient(String baseUrl, Duration requestTimeout, Duration retryAfter) {
        this(baseUrl, requestTimeout, retryAfter, System::nanoTime);
    }

    SchemaRegistryClient(
            String baseUrl, Duration requestTimeout, Duration retryAfter, LongSupplier nanoClock) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException(
                    "the registry wire format needs a schema registry URL");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.requestTimeout = requestTimeout;
        this.retryAfterNanos = retryAfter.toNanos();
        this.nanoClock = nanoClock;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    /**
     * The schema registered under {@code id}.
     *
     * @throws RegistryLookupException {@link RegistryLookupException.Problem#NOT_FOUND} for an
     *     unknown id, {@link RegistryLookupException.Problem#UNAVAILABLE} when the registry cannot
     *     answer
     */
    public Schema schemaById(int id) {
        Schema known = schemasById.get(id);
        if (known != null) {
            return known;
        }
        Failure failure = recentFailures.get(id);
        if (failure != null && nanoClock.getAsLong() - failure.atNanos() < retryAfterNanos) {
            throw failure.error();
        }
        try {
            JsonNode answer =
                    call(
                            HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id))
                                    .GET(),
                            "schema id " + id);
            String type = answer.path("schemaType").asText("AVRO");
            if (!type.equals("AVRO")) {
                throw new RegistryLookupException(
                        RegistryLookupException.Problem.NOT_FOUND,
                        "schema id " + id + " is a " + type + " schema, not Avro",
                        null);
            }
            Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
            schemasById.put(id, schema);
            recentFailures.remove(id);
            return schema;
        } catch (RegistryLookupException e) {
            recentFailures.put(id, new Failure(e, nanoClock.getAsLong()));
            throw e;
        } catch (SchemaParseException e) {
            RegistryLookupException error =
                    new RegistryLookupException(
                            RegistryLookupException.Problem.NOT_FOUND,
                            "schema id " + id + " is not a valid Avro schema: " + e.getMessage(),
                            e);
            recentFailures.put(id, new Failure(error, nanoClock.getAsLong()));
            throw error;
        }
    }

    /**
     * The id of {@code schema} under {@code subject}: registers it as the subject's next version,
     * or finds it when it is already registered (the registry answers with the existing id either
     * way).
     *
     * @throws RegistryLookupException {@link RegistryLookupException.Problem#REFUSED} when the
     *     registry refuses the schema (e.g. incompatible with the subject's versions), {@code
     *     UNAVAILABLE} when it cannot answer
     */
    public int register(String subject, Schema schema) {
        String key = subject + '\n' + schema;
        Integer known = idsBySubjectAndSchema.get(key);
        if (known != null) {
            return known;
        }
        String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
        JsonNode answer;
        try {
            answer = postVersion(subject, schema, body);
        } catch (RegistryLookupException e) {
            if (e.problem() != RegistryLookupException.Problem.REFUSED) {
                throw e;
            }
            // Apicurio answers 409 "artifact already exists" to all but one of several first
            // registrations of a new subject at the same moment (the parallel writers of one sink
            // start together); asked again, it answers with the id. A schema the registry really
            // refuses is refused again.
            answer = postVersion(subject, schema, body);
        }
        if (!answer.path("id").canConvertToInt()) {
            throw new RegistryLookupException(
                    RegistryLookupException.Problem.UNAVAILABLE,
                    "registry answered registering under " + subject + " without an id: " + answer,
                    null);
        }
        int id = answer.path("id").asInt();
        idsBySubjectAndSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    private JsonNode postVersion(String subject, Schema schema, String body) {
        return call(
                HttpRequest.newBuilder(
                                URI.create(
                                        baseUrl
                                                + "/subjects/"
                                                + URLEncoder.encode(subject, StandardCharsets.UTF_8)
                                                        .replace("+", "%20")
                                                + "/versions"))
                        .header("Content-Type", CONTENT_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                "registering " + schema.getFullName() + " under " + subject);
    }

    public String baseUrl() {
        return baseUrl;
    }

    private JsonNode call(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response =
                    http.send(
                            request.timeout(requestTimeout)
                                    .header("Accept", CONTENT_TYPE + ", application/json")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegistryLookupException(
                    RegistryLookupException.Problem.UNAVAILABLE,
                    "schema registry at " + baseUrl + " unreachable (" + what + "): " + e,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryLookupException(
                    RegistryLookupException.Problem.UNAVAILABLE,
                    "interrupted while asking the schema registry (" + what + ")",
                    e);
        }
        int status = response.statusCode();
        if (status == 200) {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new RegistryLookupException(
                        RegistryLookupException.Problem.UNAVAILABLE,
                        "schema registry at "
                                + baseUrl
                                + " answered "
                                + what
                                + " with no JSON: "
                                + response.body(),
                        e);
            }
        }
        RegistryLookupException.Problem problem =
                status == 404
                        ? RegistryLookupException.Problem.NOT_FOUND
                        : status == 409 || status == 422
                                ? RegistryLookupException.Problem.REFUSED
                                : RegistryLookupException.Problem.UNAVAILABLE;
        throw new RegistryLookupException(
                problem,
                "schema registry at "
                        + baseUrl
                        + " answered "
                        + what
                        + " with HTTP "
                        + status
                        + ": "
                        + response.body(),
                null);
    }
}
