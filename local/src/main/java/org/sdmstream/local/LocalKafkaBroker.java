package org.sdmstream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker, run as a child JVM from the {@code kafka_2.13} jars on
 * this JVM's class path (no tarball, no Docker). Used by {@code sdm demo} and the system tests. The
 * broker is killed when this JVM exits, so a demo leaves nothing running.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dataDir;
    private final String clusterId;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, String> extraConfig;
    private final Thread reaper = new Thread(this::destroyQuietly, "kafka-broker-reaper");
    private Process process;

    private LocalKafkaBroker(
            Path dataDir,
            String clusterId,
            int brokerPort,
            int controllerPort,
            Map<String, String> extraConfig) {
        this.dataDir = dataDir;
        this.clusterId = clusterId;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.extraConfig = extraConfig;
    }

    /**
     * Formats {@code dataDir} if needed and starts a broker on free loopback ports; returns once it
     * answers.
     */
    public static LocalKafkaBroker start(Path dataDir, Map<String, String> extraConfig)
            throws IOException {
        return start(dataDir, Uuid.randomUuid().toString(), extraConfig);
    }

    /**
     * As {@link #start(Path, Map)}, a new {@code dataDir} formatted with {@code clusterId} (a Kafka
     * {@link Uuid}, as {@code kafka-storage.sh format --cluster-id} takes it; the apache/kafka
     * image's {@code CLUSTER_ID}).
     */
    public static LocalKafkaBroker start(
            Path dataDir, String clusterId, Map<String, String> extraConfig) throws IOException {
        LocalKafkaBroker broker =
                new LocalKafkaBroker(
                        dataDir, clusterId, freePort(), freePort(), Map.copyOf(extraConfig));
        broker.startProcess();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("broker.log");
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the broker cleanly (SIGTERM, then SIGKILL after 30 s). */
    public void stop() {
        if (process == null) {
            return;
        }
        ChildProcesses.stop(process, 30);
        process = null;
        removeReaper();
    }

    /**
     * Starts the broker again on the same ports and data, e.g. after {@link #stop()} in a fault
     * test.
     */
    public void restart() throws IOException {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        stop();
    }

    private void startProcess() throws IOException {
        Files.createDirectories(dataDir);
        Path config = writeConfig();
        Path log4j = writeLog4jConfig();
        if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            format(config, log4j);
        }
        List<String> command = javaCommand(log4j, "kafka.Kafka", config.toString());
        process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                        .start();
        Runtime.getRuntime().addShutdownHook(reaper);
        awaitReady();
    }

    private void format(Path config, Path log4j) throws IOException {
        List<String> command =
                javaCommand(
                        log4j,
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        clusterId,
                        "-c",
                        config.toString());
        Process format =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                        .start();
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException(
                        "formatting the Kafka log directory failed; see "
                                + logFile()
                                + ":\n"
                                + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while formatting the Kafka log directory", e);
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException(
                            "the Kafka broker exited with "
                                    + process.exitValue()
                                    + "; see "
                                    + logFile()
                                    + ":\n"
                                    + logTail());
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    Thread.sleep(250);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the Kafka broker", e);
        }
        destroyQuietly();
        throw new IOException(
                "the Kafka broker did not answer within "
                        + START_TIMEOUT
                        + "; see "
                        + logFile()
                        + ":\n"
                        + logTail());
    }

    private Path writeConfig() throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + brokerPort
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("num.partitions", "1");
        // A single node: every internal topic has one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created explicitly, with the configs the pipeline needs.
        p.put("auto.create.topics.enable", "false");
        // Records carry their event time; replayed logs are old and would be deleted at once.
        p.put("log.retention.ms", "-1");
        extraConfig.forEach(p::put);
        Path file = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "written by LocalKafkaBroker");
        }
        return file;
    }

    private Path writeLog4jConfig() throws IOException {
        Path file = dataDir.resolve("broker-log4j2.properties");
        try (var in = LocalKafkaBroker.class.getResourceAsStream("/broker-log4j2.properties")) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private static List<String> javaCommand(Path log4j, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(
                List.of(
                        "-Xms128m",
                        "-Xmx512m",
                        "-XX:+UseG1GC",
                        "-XX:TieredStopAtLevel=1",
                        "-Dlog4j2.configurationFile=" + log4j.toUri()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    private String logTail() {
        return ChildProcesses.logTail(logFile());
    }

    private void destroyQuietly() {
        ChildProcesses.destroyQuietly(process);
    }

    private void removeReaper() {
        ChildProcesses.removeShutdownHook(reaper);
    }

    /** Kills the broker without a clean shutdown (SIGKILL), as a crash would. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
            removeReaper();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
