package org.sdmstream.local.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code flink} command line ({@code CliFrontend}) against a {@link LocalFlinkCluster}, run in
 * a child JVM exactly as {@code bin/flink} would: the cluster's class path and {@code config.yaml},
 * the job jar loaded in its own class loader, the job's {@code main} run on the client side.
 */
public final class FlinkCli {

    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    private final FlinkClusterConfig config;
    private final List<Path> classpath;

    FlinkCli(FlinkClusterConfig config, List<Path> classpath) {
        this.config = config;
        this.classpath = classpath;
    }

    /**
     * {@code flink run -d [-p N] [-s savepoint] -c entryClass jar args...}; returns the submitted
     * job's id.
     */
    public String run(Path jar, JarRun run) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "-d"));
        if (run.parallelism() > 0) {
            args.addAll(List.of("-p", Integer.toString(run.parallelism())));
        }
        if (run.savepointPath() != null) {
            args.addAll(List.of("-s", run.savepointPath()));
            if (run.allowNonRestoredState()) {
                args.add("--allowNonRestoredState");
            }
        }
        args.addAll(List.of("-c", run.entryClass(), jar.toAbsolutePath().toString()));
        args.addAll(run.args());
        String output = execute(args);
        Matcher m = JOB_ID.matcher(output);
        if (!m.find()) {
            throw new IOException("flink run printed no job id:\n" + output);
        }
        return m.group(1);
    }

    /** Runs {@code flink <args>} and returns its output; fails on a non-zero exit. */
    public String execute(List<String> cliArgs) throws IOException {
        Path logDir = config.confDir().getParent().resolve("log");
        Files.createDirectories(logDir);
        Path out = Files.createTempFile(logDir, "cli-", ".out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(config.javaOptions());
        command.add("-Dlog.file=" + logDir.resolve("cli.log"));
        command.add("-Dlog4j2.configurationFile=" + config.log4jConfig().toUri());
        command.add("-cp");
        command.add(ClusterClasspath.join(classpath));
        command.add("org.apache.flink.client.cli.CliFrontend");
        command.addAll(cliArgs);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()));
        builder.environment().put("FLINK_CONF_DIR", config.confDir().toString());
        Process process = builder.start();
        try {
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(
                        "flink "
                                + cliArgs.get(0)
                                + " did not finish within 3 min:\n"
                                + Files.readString(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running flink " + cliArgs.get(0), e);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(
                    "flink "
                            + String.join(" ", cliArgs.subList(0, Math.min(3, cliArgs.size())))
                            + " exited with "
                            + process.exitValue()
                            + ":\n"
                            + output);
        }
        return output;
    }
}
