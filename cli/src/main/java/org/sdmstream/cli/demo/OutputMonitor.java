package org.sdmstream.cli.demo;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.sdmstream.records.AvroCodec;
import org.sdmstream.records.SessionFeatures;

/**
 * Reads the pipeline's output topics as a downstream service would ({@code read_committed}) and keeps
 * the counts and latencies the demo shows: outputs per click, dead letters, late clicks.
 */
public final class OutputMonitor implements AutoCloseable {

    private final String bootstrapServers;
    private final String outputTopic;
    private final String deadLetterTopic;
    private final String lateTopic;
    private final LatencyRecorder latency;
    private final AvroCodec<SessionFeatures> codec = AvroCodec.of(SessionFeatures.class);
    private final AtomicLong outputs = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public OutputMonitor(String bootstrapServers, String outputTopic, String deadLetterTopic, String lateTopic,
                         LatencyRecorder latency) {
        this.bootstrapServers = bootstrapServers;
        this.outputTopic = outputTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.lateTopic = lateTopic;
        this.latency = latency;
        this.thread = new Thread(this::run, "output-monitor");
        this.thread.setDaemon(true);
    }

    public OutputMonitor start() {
        thread.start();
        return this;
    }

    private void run() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "sdm-demo-monitor");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Only what the exactly-once sink committed, as a downstream service sees it.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(outputTopic, deadLetterTopic, lateTopic));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.nanoTime();
                    if (record.topic().equals(outputTopic)) {
                        outputs.incrementAndGet();
                        try {
                            SessionFeatures f = codec.decode(record.value());
                            latency.received(f.getUserId(), f.getEventTime().toEpochMilli(), now);
                        } catch (RuntimeException e) {
                            undecodable.incrementAndGet();
                        }
                    } else if (record.topic().equals(deadLetterTopic)) {
                        deadLetters.incrementAndGet();
                    } else {
                        late.incrementAndGet();
                    }
                }
            }
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

    public long undecodable() {
        return undecodable.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
