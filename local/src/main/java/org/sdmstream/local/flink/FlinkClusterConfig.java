package org.sdmstream.local.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code config.yaml} of a local cluster: loopback only, free ports, fast heartbeats, small
 * memory, RocksDB with incremental checkpoints to a local directory, a restart strategy that keeps
 * trying, and the JVM options every process needs (Avro's trusted packages, the Java 17 opens). The
 * same keys are used by docker/ and described in docs/operations.md.
 */
public final class FlinkClusterConfig {

    /**
     * Avro 1.12.2 refuses generated SpecificRecord classes outside these packages, in every JVM.
     */
    public static final String AVRO_TRUSTED_PACKAGES =
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.sdmstream.records";

    /** What flink-dist's config.yaml puts in {@code env.java.default-opts.all} for Java 17. */
    public static final String JAVA17_OPTS =
            String.join(
                    " ",
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED");

    private final Path confDir;
    private final Map<String, String> entries;

    private FlinkClusterConfig(Path confDir, Map<String, String> entries) {
        this.confDir = confDir;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** Builds the configuration for {@code settings}, choosing free ports now. */
    public static FlinkClusterConfig of(FlinkClusterSettings settings) {
        Path work = settings.workDir().toAbsolutePath();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(freePort()));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("jobmanager.memory.process.size", settings.jobManagerProcessSize());
        // The system tests submit ~15 jobs over REST to one JobManager, whose `main` runs in a
        // fresh class loader
        // each time; with Flink's default 256 MB the JobManager ran out of metaspace after 12-13 of
        // them. This
        // cluster's class path is the whole test class path (flink-avro, Kafka, TensorFlow...), so
        // classes that a
        // production JobManager loads from the job jar come parent-first here (suspected, not
        // proven, to keep old
        // job class loaders reachable).
        c.put("jobmanager.memory.jvm-metaspace.size", "448m");
        c.put("jobmanager.execution.failover-strategy", "region");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.rpc.port", "0");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.slotsPerTaskManager()));
        c.put("taskmanager.memory.process.size", settings.taskManagerProcessSize());
        c.put("taskmanager.memory.managed.size", "128m");
        c.put("taskmanager.memory.network.min", "32m");
        c.put("taskmanager.memory.network.max", "32m");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(freePort()));
        c.put("blob.server.port", Integer.toString(freePort()));
        c.put("parallelism.default", "1");
        // A killed TaskManager is noticed within seconds (its heartbeat RPCs fail at once: after
        // heartbeat.rpc-failure-threshold of them it is gone); the timeout only covers a silent
        // one, and
        // stays long enough that a process stalled on a loaded machine is not declared dead.
        c.put("heartbeat.interval", "1000");
        c.put("heartbeat.timeout", "20000");
        c.put("state.backend.type", "rocksdb");
        c.put("execution.checkpointing.incremental", "true");
        c.put("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
        c.put(
                "execution.checkpointing.savepoint-dir",
                work.resolve("savepoints").toUri().toString());
        c.put("execution.checkpointing.interval", "2 s");
        c.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        c.put("execution.checkpointing.num-retained", "2");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "1000");
        c.put("restart-strategy.fixed-delay.delay", "1 s");
        // TensorFlow Java lives in lib/ and must load parent-first (its native library loads once
        // per JVM).
        c.put("classloader.parent-first-patterns.additional", "org.tensorflow.;org.bytedeco.");
        c.put("env.java.opts.all", AVRO_TRUSTED_PACKAGES + " " + JAVA17_OPTS);
        c.put("web.upload.dir", work.resolve("uploads").toString());
        // Short on purpose: RocksDB's LOG files are named after the flattened path of their DB
        // directory
        // under io.tmp.dirs, and a restore at another parallelism nests one level deeper; under the
        // work directory the name passed the 255-character limit (docs/operations.md, "RocksDB LOG
        // files").
        c.put("io.tmp.dirs", shortTempDir().toString());
        c.put("blob.storage.directory", work.resolve("blobs").toString());
        c.putAll(settings.extraConfig());
        return new FlinkClusterConfig(work.resolve("conf"), c);
    }

    /**
     * A configuration given entry by entry (e.g. a deployment's own {@code config.yaml},
     * flattened), written to {@code confDir}; the cluster's work files (logs, uploads, blobs) go
     * next to it.
     */
    public static FlinkClusterConfig of(Path confDir, Map<String, String> entries) {
        return new FlinkClusterConfig(confDir.toAbsolutePath(), new LinkedHashMap<>(entries));
    }

    public Map<String, String> entries() {
        return entries;
    }

    public String get(String key) {
        return entries.get(key);
    }

    public Path confDir() {
        return confDir;
    }

    public String restUrl() {
        return "http://" + entries.get("rest.address") + ":" + entries.get("rest.port");
    }

    /** The JVM options of {@code env.java.opts.all}, one per list element. */
    public List<String> javaOptions() {
        String opts = entries.getOrDefault("env.java.opts.all", "").trim();
        return opts.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(opts.split("\\s+")));
    }

    /**
     * Writes {@code conf/config.yaml} (flat keys, every value quoted) and the processes' log4j2
     * config.
     */
    public void write() throws IOException {
        Files.createDirectories(confDir);
        StringBuilder yaml = new StringBuilder("# written by LocalFlinkCluster\n");
        entries.forEach(
                (k, v) ->
                        yaml.append(k)
                                .append(": \"")
                                .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                                .append("\"\n"));
        Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        try (var in = FlinkClusterConfig.class.getResourceAsStream("/flink-log4j2.properties")) {
            Files.write(log4jConfig(), in.readAllBytes());
        }
        for (String dir : List.of("uploads", "blobs", "log")) {
            Files.createDirectories(confDir.getParent().resolve(dir));
        }
    }

    public Path log4jConfig() {
        return confDir.resolve("log4j2.properties");
    }

    /** A Flink {@link org.apache.flink.configuration.Configuration} with the same entries. */
    public org.apache.flink.configuration.Configuration toFlinkConfiguration() {
        return org.apache.flink.configuration.Configuration.fromMap(entries);
    }

    private static Path shortTempDir() {
        try {
            return Files.createTempDirectory(Path.of("/tmp"), "sdmf");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path tmpDir() {
        return Path.of(entries.get("io.tmp.dirs"));
    }

    /**
     * A free loopback port below Linux's ephemeral range (32768+): ports handed out by the OS (bind
     * to 0) are the ones outgoing connections use too, and one of those can take the port before
     * the server binds it.
     */
    public static int freePort() {
        return freePorts(1);
    }

    /**
     * The first of {@code count} consecutive free loopback ports (a port range, e.g. one per
     * process), as {@link #freePort()}.
     */
    public static int freePorts(int count) {
        java.util.concurrent.ThreadLocalRandom random =
                java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = 20_000 + random.nextInt(12_000 - count);
            if (java.util.stream.IntStream.range(first, first + count)
                    .allMatch(FlinkClusterConfig::isFree)) {
                return first;
            }
        }
        throw new UncheckedIOException(
                new IOException("no " + count + " free consecutive ports found in 20000-31999"));
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket =
                new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
