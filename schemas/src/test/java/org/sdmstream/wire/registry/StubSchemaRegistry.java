package org.sdmstream.wire.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A stand-in for a Confluent-compatible registry on a loopback port, serving only the two calls the
 * pipeline makes (GET /schemas/ids/{id}, POST /subjects/{s}/versions) with the real API's status
 * codes; it counts lookups so tests can prove they are cached. Not a registry: no compatibility
 * rules, no persistence.
 */
final class StubSchemaRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger registrations = new AtomicInteger();
    private final AtomicInteger conflicts = new AtomicInteger();
    final List<String> subjects = new ArrayList<>();

    StubSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/schemas/ids/", this::byId);
        server.createContext("/subjects/", this::register);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Makes the next registered schema get {@code id} (registries hand out ids from any start). */
    void startIdsAt(int id) {
        nextId.set(id);
    }

    /**
     * Answers the next {@code n} registrations with 409, as Apicurio answers all but one of several
     * first registrations of a new subject at the same moment.
     */
    void conflictOnNext(int n) {
        conflicts.set(n);
    }

    /**
     * Puts {@code schema} under {@code id} directly, as another producer would have registered it.
     */
    void put(int id, Schema schema) {
        schemas.put(id, schema.toString());
    }

    private void byId(HttpExchange exchange) throws IOException {
        lookups.incrementAndGet();
        String schema =
                schemas.get(
                        Integer.parseInt(
                                exchange.getRequestURI()
                                        .getPath()
                                        .substring("/schemas/ids/".length())));
        if (schema == null) {
            answer(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        } else {
            answer(exchange, 200, JSON.createObjectNode().put("schema", schema).toString());
        }
    }

    private synchronized void register(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        subjects.add(path.substring("/subjects/".length(), path.length() - "/versions".length()));
        registrations.incrementAndGet();
        if (conflicts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            answer(
                    exchange,
                    409,
                    "{\"message\":\"An artifact with ID 'x-value' in group 'null' already exists.\","
                            + "\"error_code\":409}");
            return;
        }
        String schema =
                new Schema.Parser()
                        .parse(JSON.readTree(exchange.getRequestBody()).path("schema").asText())
                        .toString();
        int id =
                schemas.entrySet().stream()
                        .filter(e -> e.getValue().equals(schema))
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElseGet(
                                () -> {
                                    int fresh = nextId.getAndIncrement();
                                    schemas.put(fresh, schema);
                                    return fresh;
                                });
        answer(exchange, 200, "{\"id\":" + id + "}");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
