package org.sdmstream.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.JobOptions;
import org.sdmstream.job.UserInterestJob;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.local.KafkaTopics;
import org.sdmstream.local.flink.JarRun;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One deployment of the job ({@link UserInterestJob}, the job jar's main class) on the shared
 * system: its own topics (created before the job, kept forever, records up to a few MB), its typed
 * job configuration passed as program arguments, and the calls to submit it, feed it and read what
 * it wrote. Without a model it writes session features; {@link #scoring} adds a model and a
 * user-vectors topic.
 */
final class JobDeployment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobDeployment.class);
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    static final Duration PAUSE_TOLERANT_IDLENESS = Duration.ofMinutes(30);

    final SystemUnderTest sut;
    final String name;
    final String clicks;
    final String features;
    final String deadLetters;
    final String late;

    /** The user-vectors topic once {@link #scoring} was called, else null. */
    private String vectors;

    private final JobConfig.Builder jobConfig = JobConfig.builder();
    private final List<String> jobs = new ArrayList<>();
    private final AvroCodec<ClickEvent> clickCodec = AvroCodec.of(ClickEvent.class);

    JobDeployment(SystemUnderTest sut, String name) {
        this.sut = sut;
        this.name = name;
        this.clicks = name + "-clicks";
        this.features = name + "-session-features";
        this.deadLetters = name + "-dead-letters";
        this.late = name + "-late";
        KafkaTopics.ensure(
                sut.broker.bootstrapServers(),
                List.of(clicks, features, deadLetters, late),
                ClickScript.PARTITIONS,
                Map.of(
                        "retention.ms",
                        "-1",
                        "max.message.bytes",
                        Integer.toString(SystemUnderTest.MAX_MESSAGE_BYTES)));
        jobConfig
                .set(JobOptions.JOB_NAME, "sdm-" + name)
                .set(KafkaOptions.BOOTSTRAP_SERVERS, sut.broker.bootstrapServers())
                .set(KafkaOptions.GROUP_ID, "sdm-" + name)
                .set(KafkaOptions.STARTING_OFFSETS, KafkaOptions.StartingOffsets.EARLIEST)
                .set(KafkaOptions.CLICKS_TOPIC, clicks)
                .set(KafkaOptions.SESSION_FEATURES_TOPIC, features)
                .set(KafkaOptions.DEAD_LETTERS_TOPIC, deadLetters)
                .set(KafkaOptions.LATE_CLICKS_TOPIC, late)
                .set(
                        IngestOptions.WATERMARK_OUT_OF_ORDERNESS,
                        Duration.ofMillis(ClickScript.OUT_OF_ORDERNESS_MS))
                // Tests that pause between phases: no partition may count as idle then (the
                // expected output assumes
                // both hold the watermark). Tests that feed without pauses use the job's default:
                // withDefaultIdleness().
                .set(IngestOptions.WATERMARK_IDLENESS, PAUSE_TOLERANT_IDLENESS)
                .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1))
                .set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(1))
                .set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "sdm-" + name);
    }

    /** The job's own watermark idleness ({@code watermark.idleness}, 1 min), as in production. */
    JobDeployment withDefaultIdleness() {
        return configure(
                IngestOptions.WATERMARK_IDLENESS, IngestOptions.WATERMARK_IDLENESS.defaultValue());
    }

    /** Changes one job option for the next submission. */
    <T> JobDeployment configure(ConfigOption<T> option, T value) {
        jobConfig.set(option, value);
        return this;
    }

    /**
     * Scores with the model in {@code modelDir}, writing vectors to a topic of its own ({@link
     * #readVectors}).
     */
    JobDeployment scoring(Path modelDir) {
        vectors = topic("user-vectors");
        return configure(KafkaOptions.USER_VECTORS_TOPIC, vectors)
                .configure(ScoringOptions.MODEL_DIR, modelDir.toString());
    }

    /**
     * Creates one more topic of this pipeline ({@code <name>-<suffix>}, same settings) and returns
     * its name.
     */
    String topic(String suffix) {
        String topic = name + "-" + suffix;
        KafkaTopics.ensure(
                sut.broker.bootstrapServers(),
                List.of(topic),
                ClickScript.PARTITIONS,
                Map.of(
                        "retention.ms",
                        "-1",
                        "max.message.bytes",
                        Integer.toString(SystemUnderTest.MAX_MESSAGE_BYTES)));
        return topic;
    }

    /**
     * The next submission: the options that differ from the job's defaults, checked here, as
     * key=value arguments.
     */
    JarRun run(int parallelism) {
        Map<String, String> defaults = JobConfig.defaults().asMap();
        List<String> args = new ArrayList<>();
        jobConfig
                .build()
                .asMap()
                .forEach(
                        (k, v) -> {
                            if (!v.equals(defaults.get(k))) {
                                args.add(k + "=" + v);
                            }
                        });
        return JarRun.of(UserInterestJob.class.getName(), args, parallelism);
    }

    /** Submits the job (from the shared uploaded jar) and waits until all its tasks run. */
    String submit(JarRun run) throws IOException {
        return submit(sut.jarId, run);
    }

    String submit(String jarId, JarRun run) throws IOException {
        long t0 = System.nanoTime();
        String jobId = sut.flink.rest().runJar(jarId, run);
        return awaitRunning(jobId, run, t0);
    }

    /**
     * Registers a job submitted elsewhere (e.g. with the command line) and waits until all its
     * tasks run.
     */
    String adopt(String jobId, JarRun run) throws IOException {
        return awaitRunning(jobId, run, System.nanoTime());
    }

    private String awaitRunning(String jobId, JarRun run, long t0) throws IOException {
        jobs.add(jobId);
        sut.flink.rest().awaitRunning(jobId, RUN_TIMEOUT);
        LOG.info(
                "{}: job {} running at parallelism {}{} after {} ms",
                name,
                jobId,
                run.parallelism(),
                run.savepointPath() == null ? "" : " from " + run.savepointPath(),
                SystemUnderTest.ms(t0, System.nanoTime()));
        return jobId;
    }

    /** Stop-with-savepoint; returns the savepoint path. */
    String stopWithSavepoint(String jobId) throws IOException {
        long t0 = System.nanoTime();
        String path =
                sut.flink
                        .rest()
                        .stopWithSavepoint(
                                jobId,
                                sut.workDir.resolve("savepoints").toUri().toString(),
                                Duration.ofMinutes(2));
        sut.flink.rest().awaitState(jobId, "FINISHED", Duration.ofMinutes(1));
        LOG.info(
                "{}: job {} stopped with savepoint {} in {} ms",
                name,
                jobId,
                path,
                SystemUnderTest.ms(t0, System.nanoTime()));
        return path;
    }

    void cancel(String jobId) throws IOException {
        String state = sut.flink.rest().jobStatus(jobId).state();
        if (!List.of("FINISHED", "CANCELED", "FAILED").contains(state)) {
            sut.flink.rest().cancel(jobId);
            sut.flink.rest().awaitState(jobId, "CANCELED", Duration.ofMinutes(1));
        }
    }

    /**
     * Cancels every job of this pipeline still alive, so a failed test leaves the shared cluster's
     * slots free.
     */
    @Override
    public void close() {
        for (String job : jobs) {
            try {
                cancel(job);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: could not cancel job {}: {}", name, job, e.getMessage());
            }
        }
    }

    ProducerRecord<byte[], byte[]> record(ClickEvent c) {
        return new ProducerRecord<>(
                clicks,
                ClickScript.partitionOf(c.getUserId()),
                null,
                c.getUserId().getBytes(StandardCharsets.UTF_8),
                clickCodec.encode(c));
    }

    List<ProducerRecord<byte[], byte[]>> records(List<ClickEvent> events) {
        return events.stream().map(this::record).toList();
    }

    byte[] encode(ClickEvent c) {
        return clickCodec.encode(c);
    }

    List<ConsumerRecord<byte[], byte[]>> readFeatures(int expected) {
        return read(features, expected);
    }

    /** The user-vectors topic; {@link #scoring} must have been called. */
    String vectorsTopic() {
        if (vectors == null) {
            throw new IllegalStateException(
                    name + " does not score: call scoring(model) before submitting");
        }
        return vectors;
    }

    List<UserInterestVector> readVectors(int expected) {
        if (vectors == null) {
            throw new IllegalStateException(
                    name + " does not score: call scoring(model) before submitting");
        }
        return decode(read(vectors, expected), UserInterestVector.class);
    }

    List<DeadLetter> readDeadLetters(int expected) {
        return decode(read(deadLetters, expected), DeadLetter.class);
    }

    List<ClickEvent> readLate(int expected) {
        return decode(read(late, expected), ClickEvent.class);
    }

    List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        return OutputReader.readCommitted(
                sut.broker.bootstrapServers(), topic, expected, RUN_TIMEOUT, Duration.ofSeconds(4));
    }

    static <T extends SpecificRecord> List<T> decode(
            List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        AvroCodec<T> codec = AvroCodec.of(type);
        return records.stream().map(r -> codec.decode(r.value())).toList();
    }
}
