package org.sdmstream.system;

import static org.sdmstream.system.ClickScript.HOUR;
import static org.sdmstream.system.ClickScript.T0;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.sdmstream.job.TinyModel;
import org.sdmstream.local.LocalKafkaBroker;
import org.sdmstream.local.flink.FlinkClusterSettings;
import org.sdmstream.local.flink.LocalFlinkCluster;
import org.sdmstream.records.ClickEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment under test, shared by every system test of a run: a Kafka broker process, a
 * standalone Flink session cluster (JobManager + one TaskManager with two slots, separate JVMs) and
 * the job jar uploaded once over REST. Started on first use, stopped when the test run ends.
 */
final class SystemUnderTest implements AutoCloseable, ExtensionContext.Store.CloseableResource {

    private static final Logger LOG = LoggerFactory.getLogger(SystemUnderTest.class);

    /**
     * The broker allows records of a few MB (ids of megabytes must reach the dead-letter topic).
     */
    static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    /** Short transactions: an aborted one (crash) stops blocking read_committed readers soon. */
    static final int TRANSACTION_MAX_TIMEOUT_MS = 120_000;

    final Path workDir;
    final Path jobJar;
    final LocalKafkaBroker broker;
    final LocalFlinkCluster flink;
    final String jarId;
    private Path tinyModel;

    private SystemUnderTest(
            Path workDir,
            Path jobJar,
            LocalKafkaBroker broker,
            LocalFlinkCluster flink,
            String jarId) {
        this.workDir = workDir;
        this.jobJar = jobJar;
        this.broker = broker;
        this.flink = flink;
        this.jarId = jarId;
    }

    static SystemUnderTest start() throws IOException {
        Path jobJar =
                Path.of(
                        System.getProperty(
                                "sdm.job.jar",
                                "../flink-jobs/target/sdm-flink-jobs-0.1.0-SNAPSHOT-job.jar"));
        if (!Files.isRegularFile(jobJar)) {
            throw new IllegalStateException(
                    "the job jar "
                            + jobJar.toAbsolutePath()
                            + " is missing: build it with"
                            + " `mvn -o -pl tests -am verify` (flink-jobs' package phase shades it)");
        }
        Path workDir =
                Path.of(System.getProperty("sdm.system-test.dir", "target/system-test"))
                        .resolve(
                                LocalDateTime.now()
                                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
                        .toAbsolutePath();
        long t0 = System.nanoTime();
        LocalKafkaBroker broker =
                LocalKafkaBroker.start(
                        workDir.resolve("kafka"),
                        Map.of(
                                "message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES),
                                "replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES),
                                "transaction.max.timeout.ms",
                                        Integer.toString(TRANSACTION_MAX_TIMEOUT_MS)));
        long t1 = System.nanoTime();
        LocalFlinkCluster flink;
        try {
            // Metrics fresh within half a second (default 10 s): a test reads the scorer's counters
            // just before a kill.
            flink =
                    LocalFlinkCluster.start(
                            FlinkClusterSettings.small(workDir.resolve("flink"))
                                    .withConfig(Map.of("metrics.fetcher.update-interval", "500")));
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
        long t2 = System.nanoTime();
        String jarId;
        try {
            jarId = flink.rest().uploadJar(jobJar);
        } catch (IOException | RuntimeException e) {
            flink.close();
            broker.close();
            throw e;
        }
        LOG.info(
                "system under test in {}: broker {} ({} ms), Flink {} ({} ms), jar {} uploaded ({} ms)",
                workDir,
                broker.bootstrapServers(),
                ms(t0, t1),
                flink.restUrl(),
                ms(t1, t2),
                jarId,
                ms(t2, System.nanoTime()));
        return new SystemUnderTest(workDir, jobJar, broker, flink, jarId);
    }

    /**
     * A real tiny SDM (TinyModel, version {@code v1}) trained once per run on clicks before {@link
     * ClickScript#T0}, for the tests that run the scoring job.
     */
    synchronized Path tinyModel() {
        if (tinyModel == null) {
            List<ClickEvent> training =
                    ClickScript.users(new Random(5), "tiny-train", 8, T0 - 3 * HOUR, T0 - HOUR);
            tinyModel =
                    TinyModel.export(
                            training,
                            ClickScript.RULES,
                            workDir.resolve("models/tiny"),
                            "v1",
                            8,
                            1);
        }
        return tinyModel;
    }

    @Override
    public void close() {
        flink.close();
        broker.close();
    }

    static long ms(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    /** Injects the one shared {@link SystemUnderTest} into test methods and lifecycle methods. */
    static final class Shared implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SystemUnderTest.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot()
                    .getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(
                            SystemUnderTest.class,
                            k -> {
                                try {
                                    return SystemUnderTest.start();
                                } catch (IOException e) {
                                    throw new IllegalStateException(
                                            "could not start the system under test: "
                                                    + e.getMessage(),
                                            e);
                                }
                            },
                            SystemUnderTest.class);
        }
    }
}
