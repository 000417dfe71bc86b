package org.sdmstream.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.sdmstream.cli.SdmCommand;
import org.sdmstream.features.generate.ClickGenerator;
import org.sdmstream.features.generate.GeneratorConfig;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.TinyModel;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.local.KafkaTopics;
import org.sdmstream.local.LocalKafkaBroker;
import org.sdmstream.local.flink.ApplicationJob;
import org.sdmstream.local.flink.ClusterClasspath;
import org.sdmstream.local.flink.FlinkClusterConfig;
import org.sdmstream.local.flink.LocalFlinkCluster;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.system.OutputReader;
import org.sdmstream.wire.AvroCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * docker/compose.yaml run as written on local processes, in its services' order: a broker formatted
 * with the compose {@code CLUSTER_ID} and configured from the kafka service's environment, the
 * topics service's topics, a model where the job's {@code scoring.model-dir} points, the JobManager
 * in application mode (Flink's standalone application entry point, the job jar from {@code
 * usrlib/}, the compose job class and arguments, docker/conf/config.yaml with the compose {@code
 * FLINK_PROPERTIES}), the compose number of TaskManagers registering through the configured
 * JobManager address, and the generator service's {@code sdm publish}. Only the differences between
 * containers and one machine are rewritten ({@link OneMachine}).
 */
class ComposeDeploymentITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ComposeDeploymentITCase.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private static final int GENERATED_CLICKS = 300;

    /**
     * Added to the generator's command so that it ends: the compose generator runs until stopped.
     */
    private static final List<String> BOUNDED_GENERATOR =
            List.of("--max-events", Integer.toString(GENERATED_CLICKS));

    /**
     * Added to the job's arguments: vectors are committed with each checkpoint, and the job sets
     * its own interval (checkpoint.interval, 30 s by default, over config.yaml's); 2 s keeps the
     * test short.
     */
    private static final Map<String, String> SHORT_CHECKPOINTS =
            Map.of("checkpoint.interval", "2 s");

    /**
     * Clicks the stand-in for the compose model service trains on (the service trains the demo SDM
     * on 30,000).
     */
    private static final int TRAINING_CLICKS = 2_000;

    private final ComposeFile compose = new ComposeFile();

    @Test
    void theComposeServicesRunAsWrittenOnLocalProcessesAndWriteOneVectorPerClick()
            throws Exception {
        long started = System.nanoTime();
        Path work =
                Path.of(System.getProperty("sdm.system-test.dir", "target/system-test"))
                        .resolve(
                                "compose-"
                                        + LocalDateTime.now()
                                                .format(
                                                        DateTimeFormatter.ofPattern(
                                                                "yyyyMMdd-HHmmss")))
                        .toAbsolutePath();
        Path tmpDir = Files.createTempDirectory(Path.of("/tmp"), "sdmc");
        OneMachine machine = new OneMachine(work.resolve("volumes"), tmpDir);
        ComposeService kafka = compose.service("kafka");
        ComposeService jobManager = compose.jobManager();
        ComposeService taskManager = compose.service("taskmanager");
        String clusterId = kafka.environment().get("CLUSTER_ID");
        try (LocalKafkaBroker broker =
                LocalKafkaBroker.start(
                        work.resolve("kafka"),
                        clusterId,
                        OneMachine.brokerConfig(kafka.environment()))) {
            String bootstrap = broker.bootstrapServers();
            assertThat(clusterIdOf(bootstrap)).as("the broker's cluster id").isEqualTo(clusterId);

            TopicsCommand topics = TopicsCommand.of(compose.service("topics"));
            for (TopicsCommand.Creation creation : topics.creations()) {
                KafkaTopics.ensure(
                        bootstrap, creation.topics(), creation.partitions(), creation.configs());
            }

            Map<String, String> jobArgs =
                    machine.jobArguments(compose.jobArguments(), jobManager, kafka, bootstrap);
            assertThat(changedKeys(compose.jobArguments(), jobArgs))
                    .containsExactlyInAnyOrder("kafka.bootstrap-servers", "scoring.model-dir");
            jobArgs.putAll(SHORT_CHECKPOINTS);
            JobConfig job = JobConfig.of(jobArgs);
            long t0 = System.nanoTime();
            exportModel(compose.sdmCommand("demo"), job, Path.of(jobArgs.get("scoring.model-dir")));
            long modelMs = ms(t0);

            Map<String, String> flinkAsWritten = OneMachine.flinkConfigAsWritten(jobManager);
            for (ComposeService flink : compose.flinkServices()) {
                assertThat(OneMachine.flinkConfigAsWritten(flink))
                        .as(
                                flink.name()
                                        + " runs the JobManager's"
                                        + " configuration (the same config.yaml, the JobManager at the same address)")
                        .isEqualTo(flinkAsWritten);
            }
            int taskManagers = taskManager.replicas();
            Map<String, String> flinkConfig =
                    machine.flinkConfig(flinkAsWritten, jobManager, jobManager, 1 + taskManagers);
            assertThat(changedKeys(flinkAsWritten, flinkConfig))
                    .containsExactlyInAnyOrder(
                            "jobmanager.rpc.address",
                            "rest.address", // service name
                            "jobmanager.bind-host",
                            "taskmanager.bind-host",
                            "rest.bind-address", // wildcard binds
                            "jobmanager.rpc.port",
                            "rest.port",
                            "blob.server.port", // fixed ports
                            "metrics.reporter.prom.port", // metrics ports
                            "execution.checkpointing.dir",
                            "execution.checkpointing.savepoint-dir", // volume
                            "io.tmp.dirs"); // the container's /tmp
            ApplicationJob application =
                    ApplicationJob.of(
                            jobJar(),
                            compose.jobClass(),
                            jobArgs.entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .toList());
            t0 = System.nanoTime();
            try (LocalFlinkCluster flink =
                    LocalFlinkCluster.startApplication(
                            FlinkClusterConfig.of(work.resolve("flink/conf"), flinkConfig),
                            ClusterClasspath.ofThisJvm(),
                            taskManagers,
                            application)) {
                String jobId = awaitTheApplication(flink);
                long clusterMs = ms(t0);
                assertThat(flink.rest().taskManagers())
                        .as(
                                "TaskManagers registered with the JobManager at "
                                        + flinkConfig.get("jobmanager.rpc.address")
                                        + ":"
                                        + flinkConfig.get("jobmanager.rpc.port"))
                        .hasSize(taskManagers);
                assertPrometheusServesEveryProcess(flinkConfig.get("metrics.reporter.prom.port"));

                t0 = System.nanoTime();
                String generatorLog =
                        publish(machine.sdmArguments(generatorCommand(), kafka, bootstrap));
                long generatorMs = ms(t0);

                t0 = System.nanoTime();
                String clicksTopic =
                        jobArgs.getOrDefault(
                                "topic.clicks", JobDefaults.defaults().get("topic.clicks"));
                String vectorsTopic =
                        jobArgs.getOrDefault(
                                "topic.user-vectors",
                                JobDefaults.defaults().get("topic.user-vectors"));
                List<ConsumerRecord<byte[], byte[]>> clicks =
                        OutputReader.readCommitted(
                                bootstrap, clicksTopic, GENERATED_CLICKS, TIMEOUT, Duration.ZERO);
                assertThat(clicks)
                        .as("clicks published:\n" + generatorLog)
                        .hasSize(GENERATED_CLICKS);
                List<String> expected =
                        clicksBehindTheWatermark(
                                clicks, job.get(IngestOptions.WATERMARK_OUT_OF_ORDERNESS));
                assertThat(expected.size())
                        .as("clicks the final watermark passes")
                        .isGreaterThan(clicks.size() / 2);
                AvroCodec<UserInterestVector> vectors = AvroCodec.of(UserInterestVector.class);
                List<String> actual =
                        OutputReader.readCommitted(
                                        bootstrap,
                                        vectorsTopic,
                                        expected.size(),
                                        TIMEOUT,
                                        Duration.ofSeconds(4))
                                .stream()
                                .map(r -> vectors.decode(r.value()))
                                .map(v -> v.getUserId() + "@" + v.getEventTime().toEpochMilli())
                                .toList();
                assertThat(actual)
                        .as(
                                "one vector per click the watermark passed, committed (read_committed)\n"
                                        + flink.logTails(20))
                        .containsExactlyInAnyOrderElementsOf(expected);
                LOG.info(
                        "compose on local processes: model {} ms, application cluster with job {} RUNNING {} ms,"
                                + " {} clicks published {} ms, {} vectors {} ms; whole test {} ms",
                        modelMs,
                        jobId,
                        clusterMs,
                        clicks.size(),
                        generatorMs,
                        actual.size(),
                        ms(t0),
                        ms(started));
            }
        } finally {
            deleteRecursively(tmpDir);
        }
    }

    /**
     * Stands in for the compose model service, which trains the demo SDM with {@code sdm demo}
     * (about a minute): a tiny real SDM, trained on clicks of the same generator shape, exported to
     * the path the job's arguments name.
     */
    private static void exportModel(ComposeService trainer, JobConfig job, Path modelDir) {
        GeneratorConfig shape =
                GeneratorConfig.defaults()
                        .withUsers(Integer.parseInt(trainer.flag("--users", "1000")))
                        .withItems(Integer.parseInt(trainer.flag("--items", "5000")))
                        .withSeed(Long.parseLong(trainer.flag("--seed", "42")))
                        .withMaxClicks(TRAINING_CLICKS);
        List<ClickEvent> clicks =
                StreamSupport.stream(new ClickGenerator(shape).spliterator(), false)
                        .map(FeatureRecords::toClickEvent)
                        .toList();
        TinyModel.export(clicks, job.sessionRules(), modelDir, "compose-test");
    }

    /**
     * The generator service's command with Compose's variable defaults, made to end ({@link
     * #BOUNDED_GENERATOR}).
     */
    private List<String> generatorCommand() {
        List<String> command =
                new ArrayList<>(
                        compose.sdmCommand("publish").command().stream()
                                .map(ComposeFile::withDefaults)
                                .toList());
        command.addAll(BOUNDED_GENERATOR);
        return command;
    }

    /**
     * Runs the sdm command line in this JVM, as the sdm image's entry point would; returns its
     * standard error.
     */
    private static String publish(List<String> args) {
        StringWriter err = new StringWriter();
        var commandLine = SdmCommand.newCommandLine();
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args.toArray(String[]::new));
        assertThat(exit).as("sdm " + String.join(" ", args) + "\n" + err).isZero();
        return err.toString();
    }

    /**
     * The JobManager runs the job by itself (application mode: nothing is submitted): waits, as the
     * compose health check does, until it lists one job RUNNING, then until all its tasks run.
     */
    private static String awaitTheApplication(LocalFlinkCluster flink)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, String> jobs = Map.of();
        while (System.nanoTime() < deadline) {
            assertThat(flink.jobManager().isAlive())
                    .as("the JobManager runs\n" + flink.logTails(40))
                    .isTrue();
            jobs = flink.rest().jobs();
            if (jobs.containsValue("RUNNING")) {
                assertThat(jobs).as("the application's jobs").hasSize(1);
                String jobId = jobs.keySet().iterator().next();
                flink.rest().awaitRunning(jobId, TIMEOUT);
                return jobId;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "no job RUNNING within " + TIMEOUT + ": " + jobs + "\n" + flink.logTails(40));
    }

    /**
     * Every process serves its metrics on one port of the configured range: the JobManager's and
     * each TaskManager's.
     */
    private static void assertPrometheusServesEveryProcess(String portRange)
            throws IOException, InterruptedException {
        String[] range = portRange.split("-");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> scopes = new ArrayList<>();
        for (int port = Integer.parseInt(range[0]); port <= Integer.parseInt(range[1]); port++) {
            String body =
                    http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://"
                                                                    + OneMachine.LOOPBACK
                                                                    + ":"
                                                                    + port
                                                                    + "/metrics"))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            scopes.add(
                    body.contains("flink_jobmanager_")
                            ? "jobmanager"
                            : body.contains("flink_taskmanager_") ? "taskmanager" : body);
        }
        assertThat(scopes)
                .as("Prometheus scrapes on " + portRange)
                .containsOnlyOnce("jobmanager")
                .containsOnly("jobmanager", "taskmanager");
    }

    /**
     * {@code user@eventTime} of each published click the job's final watermark passes: the
     * generator stops, so clicks within the out-of-orderness of the newest click of the slowest
     * partition wait in the sessionizer (the watermark is the minimum over partitions of their
     * newest event time, less the bound and 1 ms).
     */
    private static List<String> clicksBehindTheWatermark(
            List<ConsumerRecord<byte[], byte[]>> clicks, Duration outOfOrderness) {
        AvroCodec<ClickEvent> codec = AvroCodec.of(ClickEvent.class);
        Map<Integer, Long> newestByPartition = new HashMap<>();
        List<ClickEvent> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : clicks) {
            ClickEvent c = codec.decode(r.value());
            decoded.add(c);
            newestByPartition.merge(r.partition(), c.getEventTime().toEpochMilli(), Math::max);
        }
        long watermark =
                newestByPartition.values().stream().min(Comparator.naturalOrder()).orElseThrow()
                        - outOfOrderness.toMillis()
                        - 1;
        return decoded.stream()
                .filter(c -> c.getEventTime().toEpochMilli() <= watermark)
                .map(c -> c.getUserId() + "@" + c.getEventTime().toEpochMilli())
                .toList();
    }

    private static String clusterIdOf(String bootstrapServers) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    /** The keys whose value {@code after} changed or added. */
    private static Set<String> changedKeys(Map<String, String> before, Map<String, String> after) {
        Set<String> changed = new TreeSet<>();
        after.forEach(
                (k, v) -> {
                    if (!v.equals(before.get(k))) {
                        changed.add(k);
                    }
                });
        return changed;
    }

    private static Path jobJar() {
        Path jar =
                Path.of(
                        System.getProperty(
                                "sdm.job.jar",
                                "../flink-jobs/target/sdm-flink-jobs-0.1.0-SNAPSHOT-job.jar"));
        assertThat(jar).as("the job jar (flink-jobs' package phase)").isRegularFile();
        return jar;
    }

    private static long ms(long fromNanos) {
        return (System.nanoTime() - fromNanos) / 1_000_000;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
