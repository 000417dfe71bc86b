package org.sdmstream.local.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Flink JVM (JobManager or TaskManager) started as a child process; killed when this JVM exits,
 * so a test run leaves nothing behind.
 */
public final class FlinkProcess {

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Path outFile;
    private final Thread reaper;

    private FlinkProcess(String name, Process process, Path logFile, Path outFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.outFile = outFile;
        this.reaper = new Thread(process::destroyForcibly, "reaper-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts {@code mainClass --configDir conf [dynamic configs]} with the memory options Flink
     * derives from the configuration (what flink-dist's scripts get from BashJavaUtils).
     */
    static FlinkProcess start(
            String name,
            String mainClass,
            FlinkClusterConfig config,
            List<Path> classpath,
            List<String> memoryJvmOptions,
            List<String> dynamicConfigs)
            throws IOException {
        return start(
                name, mainClass, config, classpath, memoryJvmOptions, dynamicConfigs, Map.of());
    }

    /**
     * As above, with {@code arguments} after the dynamic configs and {@code environment} added to
     * this JVM's.
     */
    static FlinkProcess start(
            String name,
            String mainClass,
            FlinkClusterConfig config,
            List<Path> classpath,
            List<String> memoryJvmOptions,
            List<String> arguments,
            Map<String, String> environment)
            throws IOException {
        Path logDir = config.confDir().getParent().resolve("log");
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        Path out = logDir.resolve(name + ".out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(memoryJvmOptions);
        // Serial GC: fewer threads on a small machine; the processes are small.
        command.add("-XX:+UseSerialGC");
        command.addAll(config.javaOptions());
        command.add("-Dlog.file=" + log);
        command.add("-Dlog4j2.configurationFile=" + config.log4jConfig().toUri());
        command.add("-Dlog4j.configurationFile=" + config.log4jConfig().toUri());
        command.add("-cp");
        command.add(ClusterClasspath.join(classpath));
        command.add(mainClass);
        command.add("--configDir");
        command.add(config.confDir().toString());
        command.addAll(arguments);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        builder.environment().putAll(environment);
        Process p = builder.start();
        return new FlinkProcess(name, p, log, out);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** SIGKILL, as a crashed machine would: no shutdown hooks, no goodbye to the JobManager. */
    public void kill() {
        process.destroyForcibly();
        await(10);
        removeReaper();
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    public void stop() {
        process.destroy();
        if (!await(20)) {
            process.destroyForcibly();
            await(10);
        }
        removeReaper();
    }

    /** The last lines of the process's log and stdout, for failure messages. */
    public String tail(int lines) {
        StringBuilder sb = new StringBuilder();
        for (Path f : List.of(logFile, outFile)) {
            try {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                sb.append("--- ")
                        .append(f)
                        .append('\n')
                        .append(
                                String.join(
                                        "\n",
                                        all.subList(Math.max(0, all.size() - lines), all.size())))
                        .append('\n');
            } catch (IOException e) {
                sb.append("--- ").append(f).append(": ").append(e.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    private boolean await(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    private void removeReaper() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException | IllegalArgumentException shuttingDownOrGone) {
            // Nothing to remove.
        }
    }
}
