package org.sdmstream.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.sdmstream.local.KafkaTopics;
import org.sdmstream.local.flink.JarRun;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One deployment of the session-feature job on the shared system: its own topics (created before
 * the job, kept forever, records up to a few MB), its job configuration as program arguments, and
 * the calls to submit it, feed it and read what it wrote. Another job from the same jar (the scoring
 * job) runs through it too: {@link #entryClass(String)}, {@link #topic(String)} for its extra topics
 * and {@link #configure} for its keys.
 */
final class SessionFeaturePipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFeaturePipeline.class);

    static final String ENTRY_CLASS = "org.sdmstream.job.SessionFeatureJob";
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    final SystemUnderTest sut;
    final String name;
    final String clicks;
    final String features;
    final String deadLetters;
    final String late;
    private final Map<String, String> jobConfig = new LinkedHashMap<>();
    private String entryClass = ENTRY_CLASS;
    private final List<String> jobs = new ArrayList<>();
    private final AvroCodec<ClickEvent> clickCodec = AvroCodec.of(ClickEvent.class);

    SessionFeaturePipeline(SystemUnderTest sut, String name) {
        this.sut = sut;
        this.name = name;
        this.clicks = name + "-clicks";
        this.features = name + "-session-features";
        this.deadLetters = name + "-dead-letters";
        this.late = name + "-late";
        KafkaTopics.ensure(sut.broker.bootstrapServers(), List.of(clicks, features, deadLetters, late),
                ClickScript.PARTITIONS, Map.of("retention.ms", "-1",
                        "max.message.bytes", Integer.toString(SystemUnderTest.MAX_MESSAGE_BYTES)));
        jobConfig.put("job.name", "sdm-" + name);
        jobConfig.put("kafka.bootstrap-servers", sut.broker.bootstrapServers());
        jobConfig.put("kafka.group-id", "sdm-" + name);
        jobConfig.put("kafka.starting-offsets", "earliest");
        jobConfig.put("topic.clicks", clicks);
        jobConfig.put("topic.session-features", features);
        jobConfig.put("topic.dead-letters", deadLetters);
        jobConfig.put("topic.late-clicks", late);
        jobConfig.put("watermark.out-of-orderness", ClickScript.OUT_OF_ORDERNESS_MS + " ms");
        // No partition may count as idle during a test: the expected output assumes both hold the watermark.
        jobConfig.put("watermark.idleness", "30 min");
        jobConfig.put("checkpoint.interval", "1 s");
        jobConfig.put("sink.transaction-timeout", "1 min");
        jobConfig.put("sink.transactional-id-prefix", "sdm-" + name);
    }

    /** Changes job configuration keys for the next submission (keys as in docs/streaming.md). */
    SessionFeaturePipeline configure(String key, String value) {
        jobConfig.put(key, value);
        return this;
    }

    /** Runs another main class of the job jar from the next submission on. */
    SessionFeaturePipeline entryClass(String mainClass) {
        this.entryClass = mainClass;
        return this;
    }

    /** Creates one more topic of this pipeline ({@code <name>-<suffix>}, same settings) and returns its name. */
    String topic(String suffix) {
        String topic = name + "-" + suffix;
        KafkaTopics.ensure(sut.broker.bootstrapServers(), List.of(topic), ClickScript.PARTITIONS, Map.of("retention.ms", "-1",
                "max.message.bytes", Integer.toString(SystemUnderTest.MAX_MESSAGE_BYTES)));
        return topic;
    }

    JarRun run(int parallelism) {
        List<String> args = new ArrayList<>();
        jobConfig.forEach((k, v) -> args.add(k + "=" + v));
        return JarRun.of(entryClass, args, parallelism);
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

    /** Registers a job submitted elsewhere (e.g. with the command line) and waits until all its tasks run. */
    String adopt(String jobId, JarRun run) throws IOException {
        return awaitRunning(jobId, run, System.nanoTime());
    }

    private String awaitRunning(String jobId, JarRun run, long t0) throws IOException {
        jobs.add(jobId);
        sut.flink.rest().awaitRunning(jobId, RUN_TIMEOUT);
        LOG.info("{}: job {} running at parallelism {}{} after {} ms", name, jobId, run.parallelism(),
                run.savepointPath() == null ? "" : " from " + run.savepointPath(), SystemUnderTest.ms(t0, System.nanoTime()));
        return jobId;
    }

    /** Stop-with-savepoint; returns the savepoint path. */
    String stopWithSavepoint(String jobId) throws IOException {
        long t0 = System.nanoTime();
        String path = sut.flink.rest().stopWithSavepoint(jobId, sut.workDir.resolve("savepoints").toUri().toString(),
                Duration.ofMinutes(2));
        sut.flink.rest().awaitState(jobId, "FINISHED", Duration.ofMinutes(1));
        LOG.info("{}: job {} stopped with savepoint {} in {} ms", name, jobId, path, SystemUnderTest.ms(t0, System.nanoTime()));
        return path;
    }

    void cancel(String jobId) throws IOException {
        String state = sut.flink.rest().jobStatus(jobId).state();
        if (!List.of("FINISHED", "CANCELED", "FAILED").contains(state)) {
            sut.flink.rest().cancel(jobId);
            sut.flink.rest().awaitState(jobId, "CANCELED", Duration.ofMinutes(1));
        }
    }

    /** Cancels every job of this pipeline still alive, so a failed test leaves the shared cluster's slots free. */
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
        return new ProducerRecord<>(clicks, ClickScript.partitionOf(c.getUserId()), null,
                c.getUserId().getBytes(StandardCharsets.UTF_8), clickCodec.encode(c));
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

    List<DeadLetter> readDeadLetters(int expected) {
        return decode(read(deadLetters, expected), DeadLetter.class);
    }

    List<ClickEvent> readLate(int expected) {
        return decode(read(late, expected), ClickEvent.class);
    }

    List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        return OutputReader.readCommitted(sut.broker.bootstrapServers(), topic, expected, RUN_TIMEOUT, Duration.ofSeconds(4));
    }

    static <T extends SpecificRecord> List<T> decode(List<ConsumerRecord<byte[], byte[]>> records, Class<T> type) {
        AvroCodec<T> codec = AvroCodec.of(type);
        return records.stream().map(r -> codec.decode(r.value())).toList();
    }
}
