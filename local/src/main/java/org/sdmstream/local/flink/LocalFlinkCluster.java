package org.sdmstream.local.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A real standalone Flink session cluster on this machine: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), each its
 * own JVM on a class path built from Maven artifacts (no flink-dist), with a generated
 * {@code config.yaml}. TaskManagers can be killed ({@code kill -9}) and new ones started, as in production.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    private static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final FlinkClusterSettings settings;
    private final FlinkClusterConfig config;
    private final FlinkRestClient rest;
    private final List<FlinkProcess> taskManagers = new ArrayList<>();
    private FlinkProcess jobManager;
    private int taskManagersStarted;

    private LocalFlinkCluster(FlinkClusterSettings settings, FlinkClusterConfig config) {
        this.settings = settings;
        this.config = config;
        this.rest = new FlinkRestClient(config.restUrl());
    }

    /** Writes the configuration, starts the JobManager and the TaskManagers; returns once all slots are registered. */
    public static LocalFlinkCluster start(FlinkClusterSettings settings) throws IOException {
        FlinkClusterConfig config = FlinkClusterConfig.of(settings);
        config.write();
        LocalFlinkCluster cluster = new LocalFlinkCluster(settings, config);
        try {
            cluster.startJobManager();
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

    /** Starts one more TaskManager and waits until the JobManager has registered it (by its resource id = its name). */
    public FlinkProcess startTaskManager() throws IOException {
        FlinkProcess tm = launchTaskManager();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!rest.taskManagers().contains(tm.name())) {
            checkJobManagerAlive();
            if (!tm.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("TaskManager " + tm.name() + " did not register within " + START_TIMEOUT + "\n" + tm.tail(40));
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

    /** Waits until exactly {@code count} TaskManagers are registered (killed ones drop out by heartbeat timeout). */
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
        throw new IOException("the cluster did not reach " + count + " TaskManagers within " + START_TIMEOUT
                + "\n" + jobManager.tail(30) + taskManagers.stream().map(t -> t.tail(30)).reduce("", String::concat));
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
        deleteRecursively(config.tmpDir());
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

    private void startJobManager() throws IOException {
        Configuration flinkConf = config.toFlinkConfiguration();
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(flinkConf);
        jobManager = FlinkProcess.start("jobmanager", JOB_MANAGER_MAIN, config, settings.classpath(),
                split(JobManagerProcessUtils.generateJvmParametersStr(spec, flinkConf)),
                split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
    }

    private FlinkProcess launchTaskManager() throws IOException {
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(config.toFlinkConfiguration());
        String name = "taskmanager-" + taskManagersStarted++;
        List<String> dynamicConfigs = new ArrayList<>(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        // A readable resource id: the REST API lists TaskManagers by it, so a new one can be recognised.
        dynamicConfigs.addAll(List.of("-D", "taskmanager.resource-id=" + name));
        FlinkProcess tm = FlinkProcess.start(name, TASK_MANAGER_MAIN, config,
                settings.classpath(), split(ProcessMemoryUtils.generateJvmParametersStr(spec)), dynamicConfigs);
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
