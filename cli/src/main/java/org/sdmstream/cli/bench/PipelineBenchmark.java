package org.sdmstream.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.sdmstream.cli.job.LocalFlink;
import org.sdmstream.cli.job.ReplayAlignment;
import org.sdmstream.cli.kafka.ClickPublisher;
import org.sdmstream.cli.kafka.LatencyRecorder;
import org.sdmstream.cli.kafka.OutputMonitor;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.JobOptions;
import org.sdmstream.job.JobOptions.StateBackend;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.job.kafka.KafkaConnectors;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.kafka.KafkaOptions.Delivery;
import org.sdmstream.job.retrieval.RetrievalOptions;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.job.scoring.ScoringOptions.Switch;
import org.sdmstream.local.KafkaTopics;
import org.sdmstream.local.LocalKafkaBroker;
import org.sdmstream.local.flink.CheckpointStats;
import org.sdmstream.local.flink.FlinkRestClient;

/**
 * The end-to-end pipeline benchmark: a local KRaft broker (child JVM), the job on a MiniCluster
 * with RocksDB state in this JVM, and Kafka clients reading the outputs as a downstream service
 * would. Phases: pre-fill the clicks topic; read it raw (the ceiling); run the job over it
 * exactly-once and at-least-once and time first to last output; then feed fresh clicks at a fixed
 * rate (at-least-once) and measure click-to-output latency. Everything shares one machine, so the
 * phases are meant to be compared as ratios within one run.
 */
final class PipelineBenchmark {

    private final BenchSettings settings;
    private final BenchClicks clicks;
    private final PrintWriter log;
    private final Map<String, Double> results = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private int jobCounter;

    /** How long a latency phase publishes at its rate before the clicks it measures. */
    static final Duration LATENCY_WARM_UP = Duration.ofSeconds(5);

    /**
     * The Kafka client id of the latency phase's publisher: its producer's network thread is named
     * after it, which tells it apart from the job's own producers.
     */
    static final String PUBLISHER_CLIENT_ID = "sdm-bench-publisher";

    /** How many of the busiest thread groups a latency phase names. */
    private static final int BUSIEST_THREAD_GROUPS = 10;

    /** retrieval.k of the scored jobs prepared now: only the scored-top-k phase sets it. */
    private int retrievalK;

    /** Clicks measured in the throughput phases (all of --clicks, or what a click log holds). */
    private long measured;

    /** Event time the measured clicks span, ms. */
    private long eventSpanMillis;

    PipelineBenchmark(BenchSettings settings, BenchClicks clicks, PrintWriter log) {
        this.settings = settings;
        this.clicks = clicks;
        this.log = log;
    }

    /** Runs every phase; returns the measurements in table order. */
    BenchReport run(Path dir) throws Exception {
        notes.put("load average at start (1/5/15 min)", ProcessMemory.loadAverage());
        note("starting a Kafka broker (KRaft, child JVM) in %s", dir);
        try (LocalKafkaBroker broker =
                LocalKafkaBroker.start(
                        dir.resolve("kafka"), Map.of("transaction.max.timeout.ms", "900000"))) {
            String bootstrap = broker.bootstrapServers();
            KafkaTopics.ensure(
                    bootstrap,
                    List.of("bench-clicks"),
                    settings.partitions(),
                    KafkaTopics.KEEP_FOREVER);
            long users = prefill(bootstrap);
            results.put("distinct users", (double) users);
            readRaw(bootstrap);
            boolean unscored =
                    settings.phases().stream().anyMatch(phase -> !phase.startsWith("scored"));
            if (unscored) {
                warmUp(bootstrap, dir, null);
            }
            if (settings.runs("exactly-once")) {
                throughput(bootstrap, dir, Delivery.EXACTLY_ONCE, "exactly-once", users, null);
            }
            if (settings.runs("at-least-once")) {
                throughput(bootstrap, dir, Delivery.AT_LEAST_ONCE, "at-least-once", users, null);
            }
            if (settings.compareHeap() && settings.runs("heap")) {
                throughput(
                        bootstrap,
                        dir,
                        Delivery.AT_LEAST_ONCE,
                        "at-least-once on heap state",
                        users,
                        null);
            }
            if (settings.runs("latency")) {
                latency(bootstrap, dir, "", "at-least-once", null);
            }
            for (BenchSettings.ScoringModel model : settings.scoringModels()) {
                // The same job with SDM scoring on, over the same pre-filled clicks, once per
                // model: the ratios hold on a noisy machine.
                Path scored = model.dir();
                String job = BenchReport.scoredJob(model);
                if (settings.phases().stream().anyMatch(phase -> phase.startsWith("scored"))) {
                    warmUp(bootstrap, dir, scored);
                }
                if (settings.runs("scored-at-least-once")) {
                    throughput(
                            bootstrap,
                            dir,
                            Delivery.AT_LEAST_ONCE,
                            job + "at-least-once",
                            users,
                            scored);
                }
                if (settings.runs("scored-top-k")) {
                    retrievalK = settings.topK();
                    try {
                        throughput(
                                bootstrap,
                                dir,
                                Delivery.AT_LEAST_ONCE,
                                topKLabel(job, settings.topK()),
                                users,
                                scored);
                    } finally {
                        retrievalK = 0;
                    }
                }
                if (settings.runs("scored-exactly-once")) {
                    throughput(
                            bootstrap,
                            dir,
                            Delivery.EXACTLY_ONCE,
                            job + "exactly-once",
                            users,
                            scored);
                }
                if (settings.runs("scored-latency")) {
                    latency(bootstrap, dir, job, job + "at-least-once", scored);
                }
            }
            long brokerPid =
                    ProcessHandle.current()
                            .children()
                            .findFirst()
                            .map(ProcessHandle::pid)
                            .orElse(-1L);
            results.put("broker RSS (MiB)", ProcessMemory.rss(brokerPid) / 1048576.0);
        }
        long self = ProcessHandle.current().pid();
        results.put("bench JVM peak RSS (MiB)", ProcessMemory.peakRss(self) / 1048576.0);
        notes.put("load average at end (1/5/15 min)", ProcessMemory.loadAverage());
        return new BenchReport(settings, results, notes);
    }

    /**
     * Writes the measured clicks plus a tail; returns the number of distinct users among the
     * measured ones. The job holds each click until the watermark passes it, so without clicks
     * after the measured ones the last few seconds (event time) of them would wait for ever on an
     * unbounded source.
     */
    private long prefill(String bootstrap) throws Exception {
        measured = clicks.measured(settings.clicks());
        long tail = clicks.tail(measured);
        note(
                "pre-filling bench-clicks with %,d clicks + %,d to move event time on: %s",
                measured, tail, clicks);
        Set<String> users = new HashSet<>();
        AtomicLong counted = new AtomicLong();
        long[] eventTimes = {Long.MAX_VALUE, Long.MIN_VALUE};
        long start = System.nanoTime();
        try (ClickPublisher publisher = new ClickPublisher(bootstrap, "bench-clicks")) {
            publisher.publish(
                    clicks.stream(0),
                    measured + tail,
                    0,
                    0,
                    (click, nanos) -> {
                        if (counted.getAndIncrement() < measured) {
                            users.add(click.userId());
                            eventTimes[0] = Math.min(eventTimes[0], click.eventTime());
                            eventTimes[1] = Math.max(eventTimes[1], click.eventTime());
                        }
                    });
            if (publisher.failed() > 0) {
                throw new IOException("pre-filling failed: " + publisher.firstFailure());
            }
        }
        double seconds = seconds(start);
        eventSpanMillis = Math.max(0, eventTimes[1] - eventTimes[0]);
        results.put("clicks measured", (double) measured);
        results.put("event time the measured clicks span (h)", eventSpanMillis / 3.6e6);
        results.put("pre-fill rate (clicks/s)", (measured + tail) / seconds);
        return users.size();
    }

    /** The results label of a model's scored-top-k phase, e.g. "scored default + top-50 ...". */
    /** The suffix of the topics, group and job of the {@code jobNumber}th job, a latency phase. */
    static String liveSuffix(int jobNumber) {
        return "-live-" + jobNumber;
    }

    static String topKLabel(String job, int k) {
        return job + "+ top-" + k + " at-least-once";
    }

    /** A plain read_committed consumer over the pre-filled topic: what Kafka alone allows here. */
    private void readRaw(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        long read = 0;
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor("bench-clicks").stream()
                            .map(i -> new TopicPartition(i.topic(), i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + settings.stallTimeout().toNanos();
            while (read < measured && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                read += records.count();
            }
        }
        results.put("raw Kafka read (clicks/s)", read / seconds(start));
    }

    /**
     * The job at-least-once over the first {@code --warmup-clicks} pre-filled clicks, not measured.
     * The JIT compiles the hot paths in the first seconds of a JVM (it took a quarter of the CPU of
     * a cold 17 s phase); the jobs of later phases run in the same JVM with the same classes, so
     * they measure the steady state.
     */
    private void warmUp(String bootstrap, Path dir, Path model) throws Exception {
        long warmUpClicks = Math.min(settings.warmupClicks(), measured);
        if (warmUpClicks > 0) {
            runJob(
                    bootstrap,
                    dir,
                    Delivery.AT_LEAST_ONCE,
                    "warm-up" + (model == null ? "" : " (scored)"),
                    0,
                    model,
                    warmUpClicks,
                    false);
        }
    }

    /**
     * The job over the pre-filled clicks (scored with {@code model} unless null); clicks/s from the
     * first to the last output read.
     */
    private void throughput(
            String bootstrap, Path dir, Delivery delivery, String label, long users, Path model)
            throws Exception {
        runJob(bootstrap, dir, delivery, label, users, model, measured, true);
    }

    private void runJob(
            String bootstrap,
            Path dir,
            Delivery delivery,
            String label,
            long users,
            Path model,
            long clicks,
            boolean timed)
            throws Exception {
        String suffix = "-" + (++jobCounter);
        JobConfig config =
                prepare(
                        bootstrap,
                        dir,
                        "bench-clicks",
                        suffix,
                        delivery,
                        label.contains("heap") ? StateBackend.HASHMAP : StateBackend.ROCKSDB,
                        model);
        note("%s: running the job over the %,d pre-filled clicks", label, clicks);
        try (OutputMonitor monitor =
                new OutputMonitor(
                                bootstrap,
                                config.outputTopic(),
                                config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                                config.get(KafkaOptions.LATE_CLICKS_TOPIC),
                                null)
                        .start()) {
            LocalFlink.Started started =
                    LocalFlink.start(KafkaConnectors.userInterestJob(config), 0, null);
            try {
                Phase phase = awaitAccounted(monitor, clicks, label);
                if (!timed) {
                    return;
                }
                double seconds = (phase.reachedNanos() - monitor.firstOutputNanos()) / 1e9;
                // Exactly-once outputs appear a checkpoint at a time: the first committed batch was
                // computed
                // before the clock starts, so it is not counted. At-least-once outputs stream
                // continuously.
                long counted =
                        delivery == Delivery.EXACTLY_ONCE
                                ? measured - phase.firstBatch()
                                : measured;
                results.put(
                        "sustained " + label + " (clicks/s)", counted / Math.max(1e-9, seconds));
                // CPU used over the same interval: the machine is shared, so clicks per CPU-second
                // says more
                // about the pipeline's cost than clicks per wall second.
                results.put(label + " CPU s used (JVM + broker)", phase.cpuSeconds());
                results.put(
                        label + " clicks per CPU-second",
                        counted / Math.max(1e-9, phase.cpuSeconds()));
                results.put(
                        label + " broker share of the CPU",
                        phase.brokerCpuSeconds() / Math.max(1e-9, phase.cpuSeconds()));
                results.put(label + " first to last output (s)", seconds);
                // How much faster than real time event time ran: a live stream runs at 1.
                results.put(
                        label + " event time / wall time",
                        eventSpanMillis / 1e3 / Math.max(1e-9, seconds));
                results.put(
                        label + " output bytes per click",
                        monitor.outputBytes() / (double) Math.max(1, monitor.outputs()));
                if (delivery == Delivery.EXACTLY_ONCE && model == null) {
                    // Every output is committed, so the latest completed checkpoint holds all
                    // users' state.
                    CheckpointStats stats =
                            new FlinkRestClient(started.webUi())
                                    .checkpoints(started.job().getJobID().toString());
                    results.put("checkpoint full size (MiB)", stats.latestStateSize() / 1048576.0);
                    results.put(
                            "state per user (bytes)",
                            stats.latestStateSize() / (double) Math.max(1, users));
                }
                results.put(
                        "bench JVM RSS after " + label + " (MiB)",
                        ProcessMemory.rss(ProcessHandle.current().pid()) / 1048576.0);
            } finally {
                cancel(started.job());
            }
        }
    }

    /**
     * Fresh clicks at a fixed rate into a fresh topic, at-least-once; click-to-output latency.
     * {@code prefix} names the phase's results ("" or "scored "); {@code throughputLabel} the phase
     * whose half rate it uses.
     */
    private void latency(
            String bootstrap, Path dir, String prefix, String throughputLabel, Path model)
            throws Exception {
        // BenchSettings made sure the throughput phase ran when no rate was given.
        double rate =
                settings.latencyRate() > 0
                        ? settings.latencyRate()
                        : results.get("sustained " + throughputLabel + " (clicks/s)") / 2;
        results.put(prefix + "latency phase input rate (clicks/s)", rate);
        // Every latency phase gets topics and a group of its own: with two scoring models, the
        // second
        // phase once shared the first's topic and group, started at its committed offsets, and
        // counted
        // no latency at all.
        String suffix = liveSuffix(++jobCounter);
        String topic = "bench-live-clicks" + suffix;
        KafkaTopics.ensure(
                bootstrap, List.of(topic), settings.partitions(), KafkaTopics.KEEP_FOREVER);
        JobConfig config =
                prepare(
                        bootstrap,
                        dir,
                        topic,
                        suffix,
                        Delivery.AT_LEAST_ONCE,
                        StateBackend.ROCKSDB,
                        model);
        LatencyRecorder latency = new LatencyRecorder();
        try (OutputMonitor monitor =
                        new OutputMonitor(
                                        bootstrap,
                                        config.outputTopic(),
                                        config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                                        config.get(KafkaOptions.LATE_CLICKS_TOPIC),
                                        latency)
                                .start();
                ClickPublisher publisher =
                        new ClickPublisher(
                                bootstrap,
                                topic,
                                Map.of(ProducerConfig.CLIENT_ID_CONFIG, PUBLISHER_CLIENT_ID))) {
            LocalFlink.Started started =
                    LocalFlink.start(KafkaConnectors.userInterestJob(config), 0, null);
            try {
                // The source must be reading before the clock of the first measured click starts.
                if (!started.awaitTasksRunning(Duration.ofMinutes(2))) {
                    throw new IOException("latency: the job's tasks did not start within 2 min");
                }
                // Clicks wait in the job until the watermark passes them; clicks after the measured
                // ones keep event time moving so the last measured clicks are not stuck at the end
                // of input. The first seconds of clicks are not measured: a fresh job's first
                // outputs wait for its first fetch and batches (~1 s here), which made p50 a
                // start-up figure when 30,000 clicks last 3 s.
                long latencyClicks = clicks.measured(settings.latencyClicks());
                long warm =
                        Math.min(
                                (long) (rate * LATENCY_WARM_UP.toMillis() / 1000.0),
                                clicks.measured(Long.MAX_VALUE) - latencyClicks);
                long tail =
                        clicks.generatedClicks()
                                ? Math.max(5_000, (long) (rate * 5))
                                : clicks.tail(warm + latencyClicks);
                long total = warm + latencyClicks + tail;
                note(
                        "latency: %,d clicks at %,.0f clicks/s (latency of %,d after the first %,d),"
                                + " at-least-once",
                        total, rate, latencyClicks, warm);
                // CPU is counted from the first measured click: the clicks before it also carry
                // the fresh job's start-up (class loading, JIT of its own class loader's code).
                AtomicReference<PhaseCpu> cpu = new AtomicReference<>();
                AtomicLong sent = new AtomicLong();
                // first and last event time, first and last send nanos of the measured clicks
                long[] span = new long[4];
                publisher.publish(
                        clicks.stream(1),
                        total,
                        0,
                        rate,
                        (click, nanos) -> {
                            long i = sent.getAndIncrement() - warm;
                            if (i >= 0 && i < latencyClicks) {
                                latency.sent(click.userId(), click.eventTime(), nanos);
                                if (i == 0) {
                                    cpu.set(PhaseCpu.start());
                                    span[0] = click.eventTime();
                                    span[2] = nanos;
                                }
                                span[1] = click.eventTime();
                                span[3] = nanos;
                            }
                        });
                // Each click waits until the watermark (max event time - out-of-orderness) passes
                // it, so the latency depends on how fast event time runs here compared with a live
                // stream.
                results.put(
                        prefix + "latency phase event time / wall time",
                        (span[1] - span[0]) / Math.max(1e-9, (span[3] - span[2]) / 1e6));
                long deadline = System.nanoTime() + settings.stallTimeout().toNanos();
                while (latency.count() < latencyClicks && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                if (latency.count() < latencyClicks) {
                    note(
                            "%slatency: only %,d of %,d measured clicks had an output after %s",
                            prefix, latency.count(), latencyClicks, settings.stallTimeout());
                }
                if (cpu.get() != null) {
                    note(
                            "%slatency phase: busiest threads (cores): %s",
                            prefix, cpu.get().report(prefix, results));
                }
                results.put(prefix + "latency p50 (ms)", latency.quantileMillis(0.5));
                results.put(prefix + "latency p90 (ms)", latency.quantileMillis(0.9));
                results.put(prefix + "latency p99 (ms)", latency.quantileMillis(0.99));
                results.put(prefix + "latency p99.9 (ms)", latency.quantileMillis(0.999));
                results.put(prefix + "latency max (ms)", latency.quantileMillis(1.0));
                results.put(prefix + "latency samples", (double) latency.count());
            } finally {
                cancel(started.job());
            }
        }
    }

    /**
     * The configuration of one job under test (scored with {@code model} unless null), its output
     * topics created.
     */
    private JobConfig prepare(
            String bootstrap,
            Path dir,
            String clicksTopic,
            String suffix,
            Delivery delivery,
            StateBackend stateBackend,
            Path model) {
        JobConfig.Builder c = JobConfig.builder();
        if (model != null) {
            c.set(ScoringOptions.MODEL_DIR, model.toString());
            c.set(KafkaOptions.USER_VECTORS_TOPIC, "bench-vectors" + suffix);
        }
        c.set(JobOptions.JOB_NAME, "sdm-bench" + suffix)
                .set(JobOptions.PARALLELISM, settings.parallelism())
                .set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrap)
                .set(KafkaOptions.GROUP_ID, "sdm-bench" + suffix)
                .set(KafkaOptions.STARTING_OFFSETS, KafkaOptions.StartingOffsets.EARLIEST)
                .set(KafkaOptions.CLICKS_TOPIC, clicksTopic)
                .set(KafkaOptions.SESSION_FEATURES_TOPIC, "bench-features" + suffix)
                .set(KafkaOptions.DEAD_LETTERS_TOPIC, "bench-dead-letters" + suffix)
                .set(KafkaOptions.LATE_CLICKS_TOPIC, "bench-late" + suffix)
                .set(JobOptions.STATE_BACKEND, stateBackend)
                .set(JobOptions.CHECKPOINT_INTERVAL, settings.checkpointInterval())
                .set(
                        JobOptions.CHECKPOINT_DIR,
                        dir.resolve("checkpoints" + suffix).toUri().toString())
                .set(KafkaOptions.DELIVERY_GUARANTEE, delivery)
                .set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "sdm-bench" + suffix)
                // The pre-filled topic replays days of event time in seconds: alignment off, or it
                // would measure its own rounds instead of the job. --set can turn it back on.
                .set(
                        IngestOptions.WATERMARK_ALIGNMENT_MAX_DRIFT,
                        ReplayAlignment.driftFor(ReplayAlignment.UNPACED))
                .setAll(settings.jobSettings(), "--set");
        if (model != null && retrievalK > 0) {
            c.set(RetrievalOptions.K, retrievalK)
                    .set(RetrievalOptions.RECOMMENDATIONS_TOPIC, "bench-recommendations" + suffix);
        }
        // Whether a phase scores is the phase's, not --set's.
        JobConfig config =
                c.set(ScoringOptions.ENABLED, model != null ? Switch.TRUE : Switch.FALSE).build();
        List<String> outputs =
                new ArrayList<>(
                        List.of(
                                config.outputTopic(),
                                config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                                config.get(KafkaOptions.LATE_CLICKS_TOPIC)));
        if (config.recommends()) {
            outputs.add(config.get(RetrievalOptions.RECOMMENDATIONS_TOPIC));
        }
        KafkaTopics.ensure(bootstrap, outputs, settings.partitions(), KafkaTopics.KEEP_FOREVER);
        return config;
    }

    /**
     * What a throughput phase saw: when the last counted output arrived, the first batch, the CPU
     * used.
     */
    private record Phase(
            long reachedNanos, long firstBatch, double cpuSeconds, double brokerCpuSeconds) {}

    /**
     * CPU over a latency phase by part, as cores (CPU seconds per wall second): the publisher
     * (generating clicks, encoding them and its Kafka producer, {@link #PUBLISHER_CLIENT_ID}), the
     * output reader, the broker, and the job (the rest of this JVM). All share the machine's cores,
     * so the job's cores are what it could use of them at this rate.
     */
    private record PhaseCpu(
            long wallStartNanos,
            double jvmStart,
            double brokerStart,
            ThreadCpu threadsStart,
            long callerThread) {

        static PhaseCpu start() {
            return new PhaseCpu(
                    System.nanoTime(),
                    ProcessMemory.cpuSeconds(ProcessHandle.current().pid()),
                    brokerCpuNow(),
                    ThreadCpu.now(),
                    Thread.currentThread().getId());
        }

        /** Puts the parts into {@code results}; returns the busiest thread groups, as a line. */
        String report(String prefix, Map<String, Double> results) {
            double wall = (System.nanoTime() - wallStartNanos) / 1e9;
            ThreadCpu threads = ThreadCpu.now();
            double publisher =
                    threads.secondsSince(
                            threadsStart, callerThread, n -> n.contains(PUBLISHER_CLIENT_ID));
            double reader =
                    threads.secondsSince(
                            threadsStart,
                            -1,
                            n ->
                                    n.startsWith(OutputMonitor.THREAD_NAME)
                                            || n.contains(OutputMonitor.GROUP_PREFIX));
            double jvm = ProcessMemory.cpuSeconds(ProcessHandle.current().pid()) - jvmStart;
            double broker = brokerCpuNow() - brokerStart;
            String part = prefix + "latency phase CPU (cores): ";
            results.put(part + "publisher", publisher / wall);
            results.put(part + "output reader", reader / wall);
            results.put(part + "broker", broker / wall);
            results.put(
                    part + "job (the JVM less publisher and reader)",
                    (jvm - publisher - reader) / wall);
            return threads.secondsByGroupSince(threadsStart).entrySet().stream()
                    .limit(BUSIEST_THREAD_GROUPS)
                    .map(group -> String.format("%s %.2f", group.getKey(), group.getValue() / wall))
                    .collect(Collectors.joining("; "));
        }
    }

    /** CPU seconds used so far by this JVM (job, clients) and the broker process. */
    private static double cpuNow() {
        return ProcessMemory.cpuSeconds(ProcessHandle.current().pid()) + brokerCpuNow();
    }

    private static double brokerCpuNow() {
        long brokerPid =
                ProcessHandle.current().children().findFirst().map(ProcessHandle::pid).orElse(-1L);
        return ProcessMemory.cpuSeconds(brokerPid);
    }

    /** Waits until {@code expected} clicks are accounted for, timing from the first output. */
    private Phase awaitAccounted(OutputMonitor monitor, long expected, String label)
            throws Exception {
        long lastChange = System.nanoTime();
        long last = -1;
        long nextReport = System.nanoTime();
        long firstBatch = 0;
        double cpuAtFirst = Double.NaN;
        double brokerCpuAtFirst = 0;
        while (monitor.accounted() < expected) {
            long first = monitor.firstOutputNanos();
            if (first != 0 && Double.isNaN(cpuAtFirst)) {
                cpuAtFirst = cpuNow();
                brokerCpuAtFirst = brokerCpuNow();
            }
            if (firstBatch == 0 && first != 0 && System.nanoTime() - first > 500_000_000L) {
                firstBatch =
                        monitor.outputs(); // what arrived in the half second after the first output
            }
            if (monitor.failure() != null) {
                throw new IOException(
                        "reading the outputs failed: " + monitor.failure(), monitor.failure());
            }
            long now = monitor.accounted();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > settings.stallTimeout().toNanos()) {
                throw new IOException(
                        label
                                + ": no output for "
                                + settings.stallTimeout().toSeconds()
                                + " s after "
                                + now
                                + " of "
                                + expected
                                + " clicks");
            }
            if (System.nanoTime() >= nextReport) {
                note("%s: %,d of %,d clicks out", label, now, expected);
                nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            }
            Thread.sleep(20);
        }
        long reached = monitor.lastOutputNanos();
        return new Phase(
                reached,
                firstBatch,
                Double.isNaN(cpuAtFirst) ? 0 : cpuNow() - cpuAtFirst,
                Double.isNaN(cpuAtFirst) ? 0 : brokerCpuNow() - brokerCpuAtFirst);
    }

    private static void cancel(JobClient job) {
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
            job.getJobExecutionResult().handle((r, e) -> null).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Already finished or failed; the MiniCluster goes with it.
        }
    }

    private void note(String format, Object... args) {
        log.println("sdm bench: " + String.format(format, args));
        log.flush();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
