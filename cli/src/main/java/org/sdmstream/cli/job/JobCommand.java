package org.sdmstream.cli.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.JobOptions;
import org.sdmstream.job.kafka.KafkaConnectors;
import org.sdmstream.job.kafka.KafkaOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sdm job}: runs the streaming job in this process (a local Flink MiniCluster with RocksDB
 * state) against an existing Kafka cluster, until the job ends or Ctrl-C, which stops it cleanly:
 * with a savepoint into {@code --savepoint-dir}, or else by cancelling it.
 */
@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the streaming job locally (in-process Flink MiniCluster) against an existing Kafka cluster",
            "until Ctrl-C. Settings: defaults, then --config FILE (key=value lines), then KEY=VALUE arguments;",
            "the keys are those of README.md (e.g. kafka.bootstrap-servers, topic.clicks, scoring.model-dir).",
            "Ctrl-C stops the job with a savepoint into --savepoint-dir when given, else cancels it."
        })
public final class JobCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin CommonOptions console;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            order = 0,
            description = "A properties file of job settings (key=value lines).")
    Path configFile;

    @Parameters(
            paramLabel = "KEY=VALUE",
            arity = "0..*",
            description =
                    "Job settings overriding the file's, e.g. kafka.bootstrap-servers=broker:9092.")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--web-ui-port",
            paramLabel = "PORT",
            defaultValue = "0",
            order = 2,
            description =
                    "Port of the Flink web UI on 127.0.0.1; 0 = a free port (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(
            names = "--savepoint-dir",
            paramLabel = "DIR",
            order = 3,
            description =
                    "On Ctrl-C, stop with a savepoint here (a path or URI); without it the job is cancelled.")
    String savepointDir;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            order = 4,
            description =
                    "Start from this savepoint (or retained checkpoint) instead of empty state.")
    String fromSavepoint;

    @Option(
            names = "--stop-timeout",
            paramLabel = "SECONDS",
            defaultValue = "120",
            order = 5,
            description =
                    "How long Ctrl-C waits for the savepoint or cancellation (default: ${DEFAULT-VALUE}).")
    long stopTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        JobConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        console.note(
                "starting %s (%s) reading %s at %s",
                config.get(JobOptions.JOB_NAME),
                config.scoringEnabled()
                        ? "scoring into " + config.outputTopic()
                        : "session features into " + config.outputTopic(),
                config.get(KafkaOptions.CLICKS_TOPIC),
                config.get(KafkaOptions.BOOTSTRAP_SERVERS));
        LocalFlink.Started started =
                LocalFlink.start(KafkaConnectors.userInterestJob(config), webUiPort, fromSavepoint);
        JobClient client = started.job();
        console.note("job %s submitted; web UI at %s", client.getJobID(), started.webUi());
        AtomicReference<String> savepoint = new AtomicReference<>();
        CountDownLatch reported = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> stop(client, savepoint, reported), "sdm-job-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            if (started.awaitTasksRunning(Duration.ofMinutes(5))) {
                console.note(
                        "all tasks running; Ctrl-C to stop%s",
                        savepointDir == null
                                ? " (cancels; give --savepoint-dir to keep the state)"
                                : " with a savepoint into " + savepointDir);
            }
            client.getJobExecutionResult().get();
            console.note("job %s finished", client.getJobID());
            return 0;
        } catch (ExecutionException | CancellationException e) {
            if (onCtrlC.isAlive() || savepoint.get() != null) {
                return 0; // stopped by Ctrl-C
            }
            throw new IOException("the job failed: " + rootMessage(e), e);
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs and reports.
            }
        }
    }

    /** Ctrl-C: stops the job, then lets the JVM exit once the command has seen the job end. */
    private void stop(
            JobClient client, AtomicReference<String> savepoint, CountDownLatch reported) {
        try {
            JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                return;
            }
            if (savepointDir != null) {
                console.err()
                        .println(
                                "sdm job: stopping with a savepoint into " + savepointDir + " ...");
                console.err().flush();
                savepoint.set(stopWithSavepoint(client));
                if (savepoint.get() != null) {
                    console.err()
                            .println(
                                    "sdm job: stopped; savepoint at "
                                            + savepoint.get()
                                            + " (restart with --from-savepoint "
                                            + savepoint.get()
                                            + ")");
                } else {
                    console.err()
                            .println("sdm job: no savepoint could be taken; cancelling the job");
                    client.cancel().get(stopTimeoutSeconds, TimeUnit.SECONDS);
                    console.err().println("sdm job: cancelled");
                }
            } else {
                console.err().println("sdm job: cancelling the job ...");
                console.err().flush();
                client.cancel().get(stopTimeoutSeconds, TimeUnit.SECONDS);
                console.err().println("sdm job: cancelled");
            }
            console.err().flush();
            reported.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            console.err().println("sdm job: error: stopping the job failed: " + e);
            console.err().flush();
        }
    }

    /**
     * Stop-with-savepoint, retried while tasks are still starting (a savepoint needs every task
     * running); null when none succeeded within {@code --stop-timeout}.
     */
    private String stopWithSavepoint(JobClient client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(stopTimeoutSeconds);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                return client.stopWithSavepoint(false, savepointDir, SavepointFormatType.CANONICAL)
                        .get(
                                Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L),
                                TimeUnit.SECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
                console.err()
                        .println("sdm job: savepoint failed (" + rootMessage(e) + "); retrying");
                console.err().flush();
                Thread.sleep(1_000);
            }
        }
        console.err()
                .println(
                        "sdm job: error: no savepoint within "
                                + stopTimeoutSeconds
                                + " s: "
                                + last);
        return null;
    }

    /** Defaults, then the file, then the KEY=VALUE arguments. */
    private JobConfig config() throws IOException {
        if (configFile != null && !Files.isRegularFile(configFile)) {
            throw new IOException("no such config file: " + configFile);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(
                        spec.commandLine(), "expected KEY=VALUE, got '" + override + "'");
            }
            settings.put(override.substring(0, eq).strip(), override.substring(eq + 1).strip());
        }
        return JobConfig.load(configFile, settings);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }
}
