package org.sdmstream.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real schema registry, Apicurio Registry 2.4.2 with in-memory storage, run as a child JVM from
 * the runnable jar the {@code registry-app} module builds (no Docker). It serves the Confluent
 * Schema Registry API under {@link #url()}, the base URL the {@code registry} wire format, {@code
 * sdm publish}/{@code tail} and the Python example take. Used by {@code sdm demo --wire-format
 * registry} and the system tests; killed when this JVM exits, and everything it stored with it.
 *
 * <p>The jar's location comes from the system property {@value #APP_JAR_PROPERTY}: the build sets
 * it for the tests, {@code bin/sdm} for the command line.
 */
public final class LocalSchemaRegistry implements AutoCloseable {

    /** The system property naming {@code registry-app/target/registry-app-runner.jar}. */
    public static final String APP_JAR_PROPERTY = "sdm.registry.app.jar";

    /** Where Apicurio serves the Confluent-compatible API. */
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path appJar;
    private final Path dataDir;
    private final int port;
    private final Thread reaper = new Thread(this::destroyQuietly, "schema-registry-reaper");
    private Process process;

    private LocalSchemaRegistry(Path appJar, Path dataDir, int port) {
        this.appJar = appJar;
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Starts a registry from the jar {@value #APP_JAR_PROPERTY} names, on a free loopback port,
     * logging to {@code dataDir/registry.log}; returns once it answers.
     */
    public static LocalSchemaRegistry start(Path dataDir) throws IOException {
        return start(appJar(), dataDir);
    }

    /** As {@link #start(Path)}, from the given runner jar (its {@code lib/} beside it). */
    public static LocalSchemaRegistry start(Path appJar, Path dataDir) throws IOException {
        if (!Files.isRegularFile(appJar)) {
            throw new IOException(
                    "no schema registry application at "
                            + appJar
                            + ": build it with `mvn -pl registry-app package`");
        }
        LocalSchemaRegistry registry =
                new LocalSchemaRegistry(appJar, dataDir, LocalKafkaBroker.freePort());
        registry.startProcess();
        return registry;
    }

    /**
     * The runner jar {@value #APP_JAR_PROPERTY} names.
     *
     * @throws IOException when the property is not set
     */
    public static Path appJar() throws IOException {
        String configured = System.getProperty(APP_JAR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            throw new IOException(
                    "a local schema registry needs the system property "
                            + APP_JAR_PROPERTY
                            + " naming registry-app/target/registry-app-runner.jar (bin/sdm and the"
                            + " build set it; build the jar with `mvn -pl registry-app package`),"
                            + " or give the URL of a running registry");
        }
        return Path.of(configured);
    }

    /**
     * The registry's Confluent-compatible base URL, e.g. {@code
     * http://127.0.0.1:PORT/apis/ccompat/v7}.
     */
    public String url() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    public Path logFile() {
        return dataDir.resolve("registry.log");
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the registry (SIGTERM, then SIGKILL after 10 s); what it stored is gone. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        ChildProcesses.stop(process, 10);
        process = null;
        ChildProcesses.removeShutdownHook(reaper);
    }

    private void startProcess() throws IOException {
        Files.createDirectories(dataDir);
        process =
                new ProcessBuilder(javaCommand())
                        .directory(dataDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                        .start();
        Runtime.getRuntime().addShutdownHook(reaper);
        awaitReady();
    }

    private List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(
                List.of(
                        // A few hundred schemas at most: a small heap, and a JIT that starts fast.
                        "-Xms64m",
                        "-Xmx384m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.http.port=" + port,
                        // One request at a time: Apicurio's in-memory (H2) storage races when
                        // several first registrations arrive at the same moment (a job's sinks and
                        // their parallel writers start together) and answers HTTP 500 (H2 lock
                        // timeouts, duplicate content ids) or 409. One connection is no cure: some
                        // requests take a second one and then wait for ever. One worker thread
                        // serves eight such registrations in 0.2 s, each in milliseconds.
                        "-Dquarkus.thread-pool.max-threads=1",
                        // Apicurio's production pool opens 20 H2 connections at start.
                        "-Dquarkus.datasource.jdbc.initial-size=1",
                        "-Dquarkus.datasource.jdbc.min-size=1",
                        "-jar",
                        appJar.toString()));
        return command;
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest subjects =
                HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                        .timeout(Duration.ofSeconds(3))
                        .GET()
                        .build();
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException(
                            "the schema registry exited with "
                                    + process.exitValue()
                                    + "; see "
                                    + logFile()
                                    + ":\n"
                                    + logTail());
                }
                try {
                    if (http.send(subjects, HttpResponse.BodyHandlers.discarding()).statusCode()
                            == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroyQuietly();
            throw new IOException("interrupted while waiting for the schema registry", e);
        }
        destroyQuietly();
        throw new IOException(
                "the schema registry did not answer within "
                        + START_TIMEOUT
                        + "; see "
                        + logFile()
                        + ":\n"
                        + logTail());
    }

    private String logTail() {
        return ChildProcesses.logTail(logFile());
    }

    private void destroyQuietly() {
        ChildProcesses.destroyQuietly(process);
    }
}
