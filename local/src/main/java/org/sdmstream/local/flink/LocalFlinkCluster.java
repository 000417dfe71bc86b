package org.sdmstream.local.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A real standalone Flink cluster on this machine: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}, or {@code StandaloneApplicationClusterEntryPoint} running
 * one job from {@code usrlib/}) and TaskManagers ({@code TaskManagerRunner}), each its own JVM on a
 * class path built from Maven artifacts (no flink-dist), with a generated or given {@code
 * config.yaml}. TaskManagers can be killed ({@code kill -9}) and new ones started, as in
 * production.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    private static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";

    /**
     * What flink-dist's {@code standalone-job.sh} (the Flink image's {@code standalone-job}) runs.
     */
    private static final String APPLICATION_JOB_MANAGER_MAIN =
            "org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint";

    private static final String TASK_MANAGER_MAIN =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final FlinkClusterSettings settings;
    private final FlinkClusterConfig config;
    private final FlinkRestClient rest;
    private final List<FlinkProcess> taskManagers = new ArrayList<>();
    private final Map<String, String> environment;

    /** The short temporary directory this cluster made for itself (deleted at close), or null. */
    private final Path ownTmpDir;

    private FlinkProcess jobManager;
    private int taskManagersStarted;

    private LocalFlinkCluster(
            FlinkClusterSettings settings,
            FlinkClusterConfig config,
            Map<String, String> environment,
            Path ownTmpDir) {
        this.settings = settings;
        this.config = config;
        this.rest = new FlinkRestClient(config.restUrl());
        this.environment = Map.copyOf(environment);
        this.ownTmpDir = ownTmpDir;
    }

    /**
     * Writes the configuration, starts the JobManager and the TaskManagers; returns once all slots
     * are registered.
     */
    public static LocalFlinkCluster start(FlinkClusterSettings settings) throws IOException {
        FlinkClusterConfig config = FlinkClusterConfig.of(settings);
        config.write();
        return start(
                new LocalFlinkCluster(settings, config, Map.of(), config.tmpDir()),
                JOB_MANAGER_MAIN,
                List.of());
    }

    /**
     * An application cluster as the Flink image's {@code standalone-job} starts it: {@code config}
     * as given, the job jar in {@code usrlib/} next to {@code conf/} (found through {@code
     * FLINK_LIB_DIR}, as flink-dist's scripts set it), the JobManager running {@code job}'s {@code
     * main} itself (no submission), and {@code taskManagers} TaskManagers on the same
     * configuration; returns once they are registered.
     */
    public static LocalFlinkCluster startApplication(
            FlinkClusterConfig config, List<Path> classpath, int taskManagers, ApplicationJob job)
            throws IOException {
        Path home = config.confDir().getParent();
        Path usrlib = Files.createDirectories(home.resolve("usrlib"));
        Files.copy(
                job.jobJar(),
                usrlib.resolve(job.jobJar().getFileName()),
                StandardCopyOption.REPLACE_EXISTING);
        // The entry point looks for usrlib/ next to FLINK_LIB_DIR; the cluster's own jars come from
        // the class path.
        Path lib = Files.createDirectories(home.resolve("lib"));
        config.write();
        FlinkClusterSettings settings =
                new FlinkClusterSettings(
                        home,
                        taskManagers,
                        config.toFlinkConfiguration().get(TaskManagerOptions.NUM_TASK_SLOTS),
                        config.entries()
                                .getOrDefault(JobManagerOptions.TOTAL_PROCESS_MEMORY.key(), ""),
                        config.entries()
                                .getOrDefault(TaskManagerOptions.TOTAL_PROCESS_MEMORY.key(), ""),
                        classpath,
                        Map.of());
        // The caller's configuration names its directories: they are the caller's to delete, not
        // close()'s.
        return start(
                new LocalFlinkCluster(
                        settings, config, Map.of("FLINK_LIB_DIR", lib.toString()), null),
                APPLICATION_JOB_MANAGER_MAIN,
                job.entryPointArguments());
    }

    private static LocalFlinkCluster start(
            LocalFlinkCluster cluster, String jobManagerMain, List<String> jobManagerArgs)
            throws IOException {
        FlinkClusterSettings settings = cluster.settings;
        try {
            cluster.startJobManager(jobManagerMain, jobManagerArgs);
            for (int i = 0; i < settings.taskManagers(); i++) {
                cluster.launchTaskManager();
            }
            cluster.awaitTaskManagers(settings.taskManagers());
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public FlinkRestClient rest() {
        return rest;
    }

    public String restUrl() {
        return config.restUrl();
    }

    /** The {@code flink} command line configured for this cluster. */
    public FlinkCli cli() {
        return new FlinkCli(config, settings.classpath());
    }

    public FlinkClusterConfig config() {
        return config;
    }

    public FlinkClusterSettings settings() {
        return settings;
    }

    /** The TaskManager processes started and not killed or stopped, oldest first. */
    public List<FlinkProcess> taskManagers() {
        return List.copyOf(taskManagers);
    }

    public FlinkProcess jobManager() {
        return jobManager;
    }

    /**
     * Starts one more TaskManager and waits until the JobManager has registered it (by its resource
     * id = its name).
     */
    public FlinkProcess startTaskManager() throws IOException {
        FlinkProcess tm = launchTaskManager();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!rest.taskManagers().contains(tm.name())) {
            checkJobManagerAlive();
            if (!tm.isAlive() || System.nanoTime() > deadline) {
                throw new IOException(
                        "TaskManager "
                                + tm.name()
                                + " did not register within "
                                + START_TIMEOUT
                                + "\n"
                                + tm.tail(40));
            }
            sleep(250);
        }
        return tm;
    }

    /** {@code kill -9} of a TaskManager; the JobManager notices by heartbeat timeout. */
    public void killTaskManager(FlinkProcess taskManager) {
        taskManager.kill();
        taskManagers.remove(taskManager);
    }

    /**
     * Waits until exactly {@code count} TaskManagers are registered (killed ones drop out by
     * heartbeat timeout).
     */
    public void awaitTaskManagers(int count) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            checkJobManagerAlive();
            try {
                if (rest.taskManagers().size() == count) {
                    return;
                }
            } catch (IOException notYet) {
                // The REST endpoint is not up yet.
            }
            sleep(250);
        }
        throw new IOException(
                "the cluster did not reach "
                        + count
                        + " TaskManagers within "
                        + START_TIMEOUT
                        + "\n"
                        + jobManager.tail(30)
                        + taskManagers.stream().map(t -> t.tail(30)).reduce("", String::concat));
    }

    /** Logs of every process, for failure messages. */
    public String logTails(int lines) {
        StringBuilder sb = new StringBuilder(jobManager == null ? "" : jobManager.tail(lines));
        taskManagers.forEach(t -> sb.append(t.tail(lines)));
        return sb.toString();
    }

    @Override
    public void close() {
        for (FlinkProcess tm : List.copyOf(taskManagers)) {
            tm.stop();
        }
        taskManagers.clear();
        if (jobManager != null) {
            jobManager.stop();
        }
        if (ownTmpDir != null) {
            deleteRecursively(ownTmpDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Leftovers in /tmp are harmless.
        }
    }

    private void startJobManager(String mainClass, List<String> args) throws IOException {
        Configuration flinkConf = config.toFlinkConfiguration();
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(flinkConf);
        List<String> arguments =
                new ArrayList<>(split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
        arguments.addAll(args);
        jobManager =
                FlinkProcess.start(
                        "jobmanager",
                        mainClass,
                        config,
                        settings.classpath(),
                        split(JobManagerProcessUtils.generateJvmParametersStr(spec, flinkConf)),
                        arguments,
                        environment);
    }

    private FlinkProcess launchTaskManager() throws IOException {
        TaskExecutorProcessSpec spec =
                TaskExecutorProcessUtils.processSpecFromConfig(config.toFlinkConfiguration());
        String name = "taskmanager-" + taskManagersStarted++;
        List<String> dynamicConfigs =
                new ArrayList<>(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        // A readable resource id: the REST API lists TaskManagers by it, so a new one can be
        // recognised.
        dynamicConfigs.addAll(List.of("-D", "taskmanager.resource-id=" + name));
        FlinkProcess tm =
                FlinkProcess.start(
                        name,
                        TASK_MANAGER_MAIN,
                        config,
                        settings.classpath(),
                        split(ProcessMemoryUtils.generateJvmParametersStr(spec)),
                        dynamicConfigs,
                        environment);
        taskManagers.add(tm);
        return tm;
    }

    private void checkJobManagerAlive() throws IOException {
        if (!jobManager.isAlive()) {
            throw new IOException("the Flink JobManager exited\n" + jobManager.tail(40));
        }
    }

    private static List<String> split(String options) {
        String trimmed = options.trim();
        return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
