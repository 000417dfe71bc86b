package org.sdmstream.cli.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.sdmstream.cli.job.LocalFlink;
import org.sdmstream.cli.job.ReplayAlignment;
import org.sdmstream.cli.kafka.ClickPublisher;
import org.sdmstream.cli.kafka.LatencyRecorder;
import org.sdmstream.cli.kafka.OutputMonitor;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.cli.options.GeneratorOptions;
import org.sdmstream.cli.options.ReplayLogOptions;
import org.sdmstream.cli.options.WireFormatOptions;
import org.sdmstream.cli.recommend.ItemTitles;
import org.sdmstream.features.Click;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.JobOptions;
import org.sdmstream.job.UserInterestJob;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.job.kafka.KafkaConnectors;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.kafka.WireOptions;
import org.sdmstream.job.retrieval.RetrievalOptions;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.local.KafkaTopics;
import org.sdmstream.local.LocalKafkaBroker;
import org.sdmstream.local.LocalSchemaRegistry;
import org.sdmstream.local.flink.FlinkRestClient;
import org.sdmstream.wire.WireFormat;
import org.sdmstream.wire.WireSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sdm demo}: the whole pipeline on one machine with real parts. Starts a KRaft Kafka broker
 * as a child JVM, creates the topics, runs the job on a local Flink MiniCluster (RocksDB state, web
 * UI on a free port), replays generated clicks (or a click file's, in event-time order) into the
 * input topic, shows live progress, drains the job with a final savepoint, prints a summary and
 * leaves nothing running.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the pipeline on a local Kafka broker and Flink with generated clicks (or a click file "
                    + "with --input), and show what it does.",
            "With --wire-format registry every topic is framed with schema ids (magic byte 0, 4-byte id) "
                    + "from --registry-url, or, without it, from a schema registry the demo starts "
                    + "(Apicurio Registry in memory, a child JVM)."
        })
public final class DemoCommand implements Callable<Integer> {

    @Mixin CommonOptions console;

    @Mixin ReplayLogOptions clickFile;

    @Mixin GeneratorOptions generator;

    @Mixin WireFormatOptions wire;

    @Option(
            names = "--max-events",
            defaultValue = "20000",
            description =
                    "Clicks to replay: generated, or the first of the --input file in event-time order; "
                            + "0 = the whole file (default: ${DEFAULT-VALUE}).")
    long maxEvents;

    @Option(
            names = "--speedup",
            defaultValue = "0",
            description =
                    "Replay event time this many times faster than real time; 0 = no event-time pacing (default).")
    double speedUp;

    @Option(
            names = "--rate",
            defaultValue = "5000",
            description =
                    "Maximum clicks per second sent; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    double maxRate;

    @Option(
            names = "--parallelism",
            defaultValue = "1",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--partitions",
            defaultValue = "2",
            description = "Partitions of the clicks topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--delivery",
            defaultValue = "EXACTLY_ONCE",
            description =
                    "Sink delivery guarantee: EXACTLY_ONCE (outputs visible at each checkpoint) or AT_LEAST_ONCE.")
    String delivery;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "1 s",
            description = "Checkpoint interval (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(
            names = "--web-ui-port",
            defaultValue = "0",
            description = "Port of the Flink web UI; 0 = a free port (default).")
    int webUiPort;

    @Option(
            names = "--work-dir",
            description =
                    "Keep the broker data and checkpoints here (default: a temporary directory, deleted at the end).")
    Path workDir;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description =
                    "Score with this exported SDM model (sdm train --output). Default: a small model trained on "
                            + "clicks like the replayed ones the first time and cached under $SDM_HOME/demo-models "
                            + "(~/.cache/sdm/demo-models).")
    Path model;

    @Option(
            names = "--no-scoring",
            description = "Run without SDM scoring: one session-features record per click.")
    boolean noScoring;

    @Option(
            names = "--drain-timeout",
            defaultValue = "120",
            description =
                    "Seconds to wait for the job to read every click, and again for the last outputs (default: ${DEFAULT-VALUE}).")
    long drainTimeoutSeconds;

    @Spec CommandSpec spec;

    private static final Duration METRIC_FETCH_INTERVAL = Duration.ofSeconds(1);

    private PrintWriter err;

    @Override
    public Integer call() throws Exception {
        err = spec.commandLine().getErr();
        // Read (and check) the input before anything starts.
        DemoRecommendations recommendations = new DemoRecommendations();
        Iterator<Click> clicks = recommendations.recording(clicks());
        Path modelDir = noScoring ? null : modelDir();
        boolean temporary = workDir == null;
        Path dir =
                temporary
                        ? Files.createTempDirectory("sdm-demo-")
                        : Files.createDirectories(workDir);
        try {
            int code = run(dir, clicks, modelDir);
            if (modelDir != null) {
                recommendations.print(
                        spec.commandLine().getOut(),
                        modelDir,
                        JobConfig.defaults().sessionRules(),
                        titles());
            }
            return code;
        } finally {
            if (temporary) {
                deleteRecursively(dir);
            }
        }
    }

    private int run(Path dir, Iterator<Click> clicks, Path modelDir) throws Exception {
        long t0 = System.nanoTime();
        err.println("sdm demo: starting a Kafka broker (KRaft, child JVM) in " + dir);
        try (LocalKafkaBroker broker =
                        LocalKafkaBroker.start(
                                dir.resolve("kafka"),
                                Map.of("transaction.max.timeout.ms", "900000"));
                LocalSchemaRegistry registry = startRegistryIfNeeded(dir)) {
            WireSettings wireSettings =
                    wire.format() == WireFormat.SINGLE_OBJECT
                            ? WireSettings.SINGLE_OBJECT
                            : WireSettings.registry(
                                    registry != null ? registry.url() : wire.registryUrl());
            return run(broker, wireSettings, dir, clicks, modelDir, t0);
        }
    }

    /**
     * A schema registry process for {@code --wire-format registry} without {@code --registry-url};
     * null when none is needed.
     */
    private LocalSchemaRegistry startRegistryIfNeeded(Path dir) throws IOException {
        if (wire.format() == WireFormat.SINGLE_OBJECT) {
            return null;
        }
        if (!wire.registryUrl().isEmpty()) {
            err.println(
                    "sdm demo: wire format registry, schemas registered at " + wire.registryUrl());
            return null;
        }
        long t0 = System.nanoTime();
        err.println(
                "sdm demo: starting a schema registry (Apicurio Registry, in memory, child JVM) for"
                        + " the registry wire format");
        LocalSchemaRegistry registry = LocalSchemaRegistry.start(dir.resolve("registry"));
        err.printf(
                "sdm demo: wire format registry, schema registry at %s up in %.1f s (log %s)%n",
                registry.url(), seconds(t0), registry.logFile());
        return registry;
    }

    private int run(
            LocalKafkaBroker broker,
            WireSettings wireSettings,
            Path dir,
            Iterator<Click> clicks,
            Path modelDir,
            long t0)
            throws Exception {
        JobConfig config = jobConfig(broker.bootstrapServers(), dir, modelDir, wireSettings);
        String outputTopic = config.outputTopic();
        KafkaTopics.ensure(
                broker.bootstrapServers(),
                List.of(config.get(KafkaOptions.CLICKS_TOPIC)),
                partitions,
                KafkaTopics.KEEP_FOREVER);
        KafkaTopics.ensure(
                broker.bootstrapServers(),
                List.of(
                        outputTopic,
                        config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                        config.get(KafkaOptions.LATE_CLICKS_TOPIC),
                        config.get(RetrievalOptions.RECOMMENDATIONS_TOPIC)),
                1,
                KafkaTopics.KEEP_FOREVER);
        err.printf(
                "sdm demo: broker at %s up in %.1f s; topics ready%n",
                broker.bootstrapServers(), seconds(t0));

        int restPort = webUiPort > 0 ? webUiPort : freePort();
        Configuration flink = new Configuration();
        flink.set(RestOptions.PORT, restPort);
        flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        // The consumer lag reads the source's offsets through the REST API: refresh them every
        // second, not every 10.
        flink.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, METRIC_FETCH_INTERVAL);
        StreamExecutionEnvironment env = UserInterestJob.environment(config, flink);
        KafkaConnectors.userInterestJob(config).build(env);
        JobClient job = env.executeAsync(config.get(JobOptions.JOB_NAME));
        // Clicks sent before the tasks (and the model) are up would only measure the start-up
        // as latency.
        if (!LocalFlink.awaitTasksRunning(
                job, "http://127.0.0.1:" + restPort, Duration.ofMinutes(2))) {
            throw new IOException("the Flink job's tasks did not start within 2 min");
        }
        Duration drift = config.get(IngestOptions.WATERMARK_ALIGNMENT_MAX_DRIFT);
        err.printf(
                "sdm demo: Flink job %s running (RocksDB state, %s, watermark alignment %s); web UI"
                        + " at http://127.0.0.1:%d%n",
                job.getJobID(),
                config.scoringEnabled() ? "SDM scoring with " + modelDir : "no scoring",
                drift.isZero()
                        ? "off: the replay is not paced in event time"
                        : "max drift " + drift.toSeconds() + " s",
                restPort);

        LatencyRecorder latency = new LatencyRecorder();
        DemoRun result;
        try (OutputMonitor monitor =
                        new OutputMonitor(
                                        broker.bootstrapServers(),
                                        outputTopic,
                                        config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                                        config.get(KafkaOptions.LATE_CLICKS_TOPIC),
                                        latency,
                                        "read_committed",
                                        wireSettings)
                                .start();
                ClickPublisher publisher =
                        new ClickPublisher(
                                broker.bootstrapServers(),
                                config.get(KafkaOptions.CLICKS_TOPIC),
                                Map.of(),
                                wireSettings);
                ConsumerLag lag =
                        new ConsumerLag(
                                broker.bootstrapServers(),
                                config.get(KafkaOptions.CLICKS_TOPIC),
                                config.get(KafkaOptions.GROUP_ID),
                                new FlinkRestClient("http://127.0.0.1:" + restPort),
                                job.getJobID().toString())) {
            result =
                    replayAndWatch(
                            clicks,
                            publisher,
                            monitor,
                            latency,
                            new LagWatch(lag),
                            job,
                            dir,
                            config.scoringEnabled() ? "user vectors out" : "session features out",
                            wireSettings.format());
        }
        result.print(spec.commandLine().getOut(), seconds(t0));
        return result.complete() ? 0 : 1;
    }

    private DemoRun replayAndWatch(
            Iterator<Click> clicks,
            ClickPublisher publisher,
            OutputMonitor monitor,
            LatencyRecorder latency,
            LagWatch lag,
            JobClient job,
            Path dir,
            String outputName,
            WireFormat wireFormat)
            throws Exception {
        long limit = maxEvents > 0 ? maxEvents : Long.MAX_VALUE;
        Throwable[] publishFailure = new Throwable[1];
        Thread producerThread =
                new Thread(
                        () -> {
                            try {
                                publisher.publish(
                                        clicks,
                                        limit,
                                        speedUp,
                                        maxRate,
                                        (click, nanos) ->
                                                latency.sent(
                                                        click.userId(), click.eventTime(), nanos));
                            } catch (Throwable e) {
                                publishFailure[0] = e;
                            }
                        },
                        "click-publisher");
        long start = System.nanoTime();
        producerThread.start();
        ProgressLine progress = new ProgressLine(err, outputName);
        while (producerThread.isAlive()) {
            producerThread.join(1_000);
            progress.show(seconds(start), publisher.sent(), monitor, lag.measure(), latency);
        }
        if (publishFailure[0] != null || publisher.failed() > 0) {
            throw new IOException(
                    "publishing clicks failed: "
                            + (publishFailure[0] != null
                                    ? publishFailure[0]
                                    : publisher.firstFailure()));
        }
        double publishSeconds = seconds(start);
        // The stop below stops the source where it is: first let it read every published click (a
        // busy job
        // can stall its outputs for longer than the quiet wait while it still has clicks to read).
        awaitCaughtUp(
                monitor,
                publisher.sent(),
                progress,
                start,
                latency,
                lag,
                Duration.ofSeconds(drainTimeoutSeconds));
        // Clicks ahead of the watermark wait for it; stopping with --drain moves event time to its
        // end,
        // so every pending click is applied and committed with the final savepoint.
        awaitQuiet(
                monitor,
                publisher.sent(),
                progress,
                start,
                latency,
                lag::measure,
                Duration.ofSeconds(10));
        // The job reads nothing after the stop and the publisher is done, so this is the lag the
        // run ends with.
        ConsumerLag.Sample finalLag = lag.measure();
        err.println();
        err.println("sdm demo: input replayed; draining the job with a final savepoint");
        String savepoint =
                job.stopWithSavepoint(
                                true,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(drainTimeoutSeconds, TimeUnit.SECONDS);
        // The stopped job's metrics are gone and its last offsets may not be committed: show the
        // final lag.
        awaitQuiet(
                monitor,
                publisher.sent(),
                progress,
                start,
                latency,
                () -> finalLag,
                Duration.ofSeconds(drainTimeoutSeconds));
        err.println();
        return new DemoRun(
                outputName,
                wireFormat,
                publisher.sent(),
                monitor.outputs(),
                monitor.deadLetters(),
                monitor.late(),
                publishSeconds,
                seconds(start),
                latency,
                lag.max(),
                finalLag,
                savepoint);
    }

    /**
     * Item titles from the input's item file (MovieLens: movie titles); none for generated clicks.
     */
    private ItemTitles titles() {
        Path items = clickFile.given() ? clickFile.source().items() : null;
        return items == null ? ItemTitles.none() : ItemTitles.read(items);
    }

    /** The clicks to replay: the --input file's in event-time order, else generated ones. */
    private Iterator<Click> clicks() {
        if (clickFile.given()) {
            List<Click> fromFile = clickFile.clicksInEventTimeOrder(console);
            err.printf(
                    "sdm demo: replaying %,d of the file's %,d clicks in event-time order%n",
                    maxEvents > 0 ? Math.min(maxEvents, fromFile.size()) : fromFile.size(),
                    fromFile.size());
            return fromFile.iterator();
        }
        if (maxEvents <= 0) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--max-events must be positive for generated clicks");
        }
        err.printf("sdm demo: generating %,d clicks (%s)%n", maxEvents, generator);
        return generator.clicks(maxEvents);
    }

    /**
     * Waits until the job's source has read every published click (a lag of 0), at most {@code
     * timeout}.
     */
    private void awaitCaughtUp(
            OutputMonitor monitor,
            long expected,
            ProgressLine progress,
            long start,
            LatencyRecorder latency,
            LagWatch lag,
            Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ConsumerLag.Sample sample = lag.measure();
        while (System.nanoTime() < deadline && (sample == null || sample.records() > 0)) {
            Thread.sleep(1_000);
            sample = lag.measure();
            progress.show(seconds(start), expected, monitor, sample, latency);
        }
    }

    private void awaitQuiet(
            OutputMonitor monitor,
            long expected,
            ProgressLine progress,
            long start,
            LatencyRecorder latency,
            Supplier<ConsumerLag.Sample> lag,
            Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        int quietSeconds = 0;
        while (System.nanoTime() < deadline && accounted(monitor) < expected && quietSeconds < 5) {
            Thread.sleep(1_000);
            long now = accounted(monitor);
            quietSeconds = now == last ? quietSeconds + 1 : 0;
            last = now;
            progress.show(seconds(start), expected, monitor, lag.get(), latency);
        }
    }

    private static long accounted(OutputMonitor monitor) {
        return monitor.outputs() + monitor.deadLetters() + monitor.late();
    }

    /**
     * The model to score with: --model, or the cached demo model for this input (trained the first
     * time).
     */
    private Path modelDir() throws IOException {
        if (model != null) {
            if (!Files.isRegularFile(model.resolve("saved_model.pb"))) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(),
                        "--model "
                                + model
                                + " is not an exported model directory (no saved_model.pb)");
            }
            return model;
        }
        if (clickFile.given()) {
            List<Click> all = clickFile.clicksInEventTimeOrder(console);
            return DemoModel.forLog(all, DemoModel.Size.SMALL, err);
        }
        // Clicks from the same simulated users and catalogue as the replay.
        return DemoModel.forGenerated(generator.config(), err);
    }

    private JobConfig jobConfig(
            String bootstrap, Path dir, Path modelDir, WireSettings wireSettings) {
        JobConfig.Builder c = JobConfig.builder();
        if (wireSettings.format() == WireFormat.REGISTRY) {
            // Every topic the job reads or writes.
            c.set(WireOptions.REGISTRY_URL, wireSettings.registryUrl());
            for (var topic :
                    List.of(
                            WireOptions.CLICKS,
                            WireOptions.USER_VECTORS,
                            WireOptions.SESSION_FEATURES,
                            WireOptions.DEAD_LETTERS,
                            WireOptions.LATE_CLICKS,
                            WireOptions.RECOMMENDATIONS)) {
                c.set(topic, WireFormat.REGISTRY);
            }
        }
        if (modelDir != null) {
            c.set(ScoringOptions.ENABLED, ScoringOptions.Switch.TRUE)
                    .set(ScoringOptions.MODEL_DIR, modelDir.toString())
                    .set(RetrievalOptions.K, DemoRecommendations.K);
        } else {
            c.set(ScoringOptions.ENABLED, ScoringOptions.Switch.FALSE);
        }
        return c.set(JobOptions.JOB_NAME, "sdm-demo")
                .set(JobOptions.PARALLELISM, parallelism)
                .set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrap)
                .set(KafkaOptions.STARTING_OFFSETS, KafkaOptions.StartingOffsets.EARLIEST)
                .set(KafkaOptions.GROUP_ID, "sdm-demo")
                .set(JobOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString())
                .set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "sdm-demo")
                .set(IngestOptions.WATERMARK_ALIGNMENT_MAX_DRIFT, ReplayAlignment.driftFor(speedUp))
                // The two flags are the job's own settings as text ("1 s", EXACTLY_ONCE): read as a
                // file would be.
                .setAll(
                        Map.of(
                                JobOptions.CHECKPOINT_INTERVAL.key(),
                                checkpointInterval,
                                KafkaOptions.DELIVERY_GUARANTEE.key(),
                                delivery),
                        "--checkpoint-interval / --delivery")
                .build();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One progress line on standard error, redrawn in place on a terminal. */
    static final class ProgressLine {
        private final PrintWriter out;
        private final String outputName;
        private final boolean terminal = System.console() != null;

        ProgressLine(PrintWriter out, String outputName) {
            this.out = out;
            this.outputName = outputName;
        }

        void show(
                double seconds,
                long sent,
                OutputMonitor monitor,
                ConsumerLag.Sample lag,
                LatencyRecorder latency) {
            String line =
                    String.format(
                            "%6.1f s | clicks in %,9d | %s %,9d | dead letters %,5d | late %,5d | consumer lag %s | latency p50 %,7.0f ms p99 %,7.0f ms",
                            seconds,
                            sent,
                            outputName,
                            monitor.outputs(),
                            monitor.deadLetters(),
                            monitor.late(),
                            lagColumn(lag),
                            latency.quantileMillis(0.5),
                            latency.quantileMillis(0.99));
            if (terminal) {
                out.print("\r" + line);
            } else {
                out.println(line);
            }
            out.flush();
        }

        /**
         * Lag in records; marked when it fell back to the committed offsets (which trail by up to a
         * checkpoint).
         */
        static String lagColumn(ConsumerLag.Sample lag) {
            if (lag == null) {
                return String.format("%7s %-11s", "?", "");
            }
            return String.format(
                    "%,7d %-11s",
                    lag.records(),
                    lag.basis() == ConsumerLag.Basis.COMMITTED_OFFSETS ? "(committed)" : "");
        }
    }

    /** Measures the consumer lag each second and keeps its maximum for the summary. */
    static final class LagWatch {
        private final ConsumerLag lag;
        private long max;

        LagWatch(ConsumerLag lag) {
            this.lag = lag;
        }

        /** The lag now, or null if the broker could not be asked (the progress line shows "?"). */
        ConsumerLag.Sample measure() {
            try {
                ConsumerLag.Sample sample = lag.measure();
                max = Math.max(max, sample.records());
                return sample;
            } catch (IOException e) {
                return null;
            }
        }

        long max() {
            return max;
        }
    }

    /** What one demo run did, and its summary table. */
    record DemoRun(
            String outputName,
            WireFormat wireFormat,
            long sent,
            long outputs,
            long deadLetters,
            long late,
            double publishSeconds,
            double totalSeconds,
            LatencyRecorder latency,
            long maxLag,
            ConsumerLag.Sample finalLag,
            String savepoint) {

        boolean complete() {
            return outputs + deadLetters + late == sent;
        }

        void print(PrintWriter out, double wallSeconds) {
            out.println();
            out.println("| sdm demo summary            |                |");
            out.println("|-----------------------------|----------------|");
            row(out, "wire format", wireFormat.toString());
            row(out, "clicks published", String.format("%,d", sent));
            row(out, outputName, String.format("%,d", outputs));
            row(out, "dead letters", String.format("%,d", deadLetters));
            row(out, "late clicks", String.format("%,d", late));
            row(out, "every click accounted for", complete() ? "yes" : "NO");
            row(
                    out,
                    "publish rate (clicks/s)",
                    String.format("%,.0f", sent / Math.max(1e-9, publishSeconds)));
            row(out, "latency p50 (ms)", String.format("%,.0f", latency.quantileMillis(0.5)));
            row(out, "latency p99 (ms)", String.format("%,.0f", latency.quantileMillis(0.99)));
            row(out, "latency samples", String.format("%,d", latency.count()));
            row(out, "consumer lag max (records)", String.format("%,d", maxLag));
            row(
                    out,
                    "consumer lag end (records)",
                    finalLag == null
                            ? "?"
                            : String.format(
                                    "%,d%s", finalLag.records(), committed(finalLag) ? "*" : ""));
            row(out, "replay + drain (s)", String.format("%.1f", totalSeconds));
            row(out, "wall time (s)", String.format("%.1f", wallSeconds));
            out.println();
            out.println(
                    "Latency is click sent -> output readable with read_committed; with the exactly-once sink it");
            out.println(
                    "includes the wait for the next checkpoint. Clicks ahead of the watermark wait for it.");
            out.println(
                    "Consumer lag is the clicks in the input topic the job's Kafka source has not read yet, read");
            out.println(
                    "from the source's metrics; the progress line marks readings that fell back to the offsets the");
            out.println(
                    "job commits at checkpoints \"(committed)\": those trail the source by up to a checkpoint interval.");
            if (committed(finalLag)) {
                out.println(
                        "* from the committed offsets: the source's metrics could not be read.");
            }
            out.flush();
        }

        private static boolean committed(ConsumerLag.Sample lag) {
            return lag != null && lag.basis() == ConsumerLag.Basis.COMMITTED_OFFSETS;
        }

        private static void row(PrintWriter out, String name, String value) {
            out.printf("| %-27s | %14s |%n", name, value);
        }
    }
}
