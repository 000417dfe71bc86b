package org.sdmstream.cli.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.sdmstream.wire.WireFormat;
import org.sdmstream.wire.WireSettings;

/**
 * Reads the pipeline's output topics as a downstream service would ({@code read_committed}) and
 * keeps the counts and latencies the demo and the benchmark show: outputs per click, dead letters,
 * late clicks, and when the first and last output arrived. Outputs of any known record type with
 * {@code userId} and {@code eventTime} fields (session features, user interest vectors) are matched
 * to their click for latency.
 */
public final class OutputMonitor implements AutoCloseable {

    /** The name of the thread that reads the outputs (its consumer polls in it). */
    public static final String THREAD_NAME = "output-monitor";

    /** The prefix of its consumer group id, which Kafka's heartbeat thread carries in its name. */
    public static final String GROUP_PREFIX = "sdm-output-monitor-";

    private final String bootstrapServers;
    private final String outputTopic;
    private final String deadLetterTopic;
    private final String lateTopic;
    private final LatencyRecorder latency;
    private final String isolationLevel;
    private final OutputKeys keys;
    private final AtomicLong outputs = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicLong outputBytes = new AtomicLong();
    private final AtomicLong firstOutputNanos = new AtomicLong();
    private final AtomicLong lastOutputNanos = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile Throwable failure;

    public OutputMonitor(
            String bootstrapServers,
            String outputTopic,
            String deadLetterTopic,
            String lateTopic,
            LatencyRecorder latency) {
        this(bootstrapServers, outputTopic, deadLetterTopic, lateTopic, latency, "read_committed");
    }

    /**
     * {@code isolationLevel}: read_committed (as downstream services) or read_uncommitted. {@code
     * latency} may be null: outputs are then only counted, not decoded (a throughput benchmark must
     * not spend its CPU on that).
     */
    public OutputMonitor(
            String bootstrapServers,
            String outputTopic,
            String deadLetterTopic,
            String lateTopic,
            LatencyRecorder latency,
            String isolationLevel) {
        this(
                bootstrapServers,
                outputTopic,
                deadLetterTopic,
                lateTopic,
                latency,
                isolationLevel,
                WireSettings.SINGLE_OBJECT);
    }

    /** As above, the outputs in {@code wire}'s format (for their latency). */
    public OutputMonitor(
            String bootstrapServers,
            String outputTopic,
            String deadLetterTopic,
            String lateTopic,
            LatencyRecorder latency,
            String isolationLevel,
            WireSettings wire) {
        this.keys =
                wire.format() == WireFormat.REGISTRY
                        ? new OutputKeys(wire.client()::schemaById)
                        : new OutputKeys();
        this.bootstrapServers = bootstrapServers;
        this.outputTopic = outputTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.lateTopic = lateTopic;
        this.latency = latency;
        this.isolationLevel = isolationLevel;
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    public OutputMonitor start() {
        thread.start();
        return this;
    }

    private void run() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_PREFIX + java.util.UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(outputTopic, deadLetterTopic, lateTopic));
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                // Outputs count as read when the poll hands them over: decoding earlier records of
                // the same
                // batch (for their user and event time) must not add to the latency of later ones.
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    if (record.topic().equals(outputTopic)) {
                        firstOutputNanos.compareAndSet(0, now);
                        lastOutputNanos.set(now);
                        outputs.incrementAndGet();
                        outputBytes.addAndGet(record.serializedValueSize());
                        if (latency != null) {
                            recordLatency(record.value(), now);
                        }
                    } else if (record.topic().equals(deadLetterTopic)) {
                        deadLetters.incrementAndGet();
                    } else {
                        late.incrementAndGet();
                    }
                }
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void recordLatency(byte[] value, long now) {
        OutputKeys.Key key = keys.read(value);
        if (key == null) {
            undecodable.incrementAndGet();
        } else {
            latency.received(key.userId(), key.eventTime(), now);
        }
    }

    public long outputs() {
        return outputs.get();
    }

    public long deadLetters() {
        return deadLetters.get();
    }

    public long late() {
        return late.get();
    }

    /** Outputs, dead letters and late clicks: every click ends up as exactly one of them. */
    public long accounted() {
        return outputs() + deadLetters() + late();
    }

    /** Bytes of output record values read so far (uncompressed). */
    public long outputBytes() {
        return outputBytes.get();
    }

    public long undecodable() {
        return undecodable.get();
    }

    /** {@link System#nanoTime()} when the first output was read, 0 before. */
    public long firstOutputNanos() {
        return firstOutputNanos.get();
    }

    /** {@link System#nanoTime()} when the latest output was read, 0 before any. */
    public long lastOutputNanos() {
        return lastOutputNanos.get();
    }

    /** Why the consumer stopped, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
