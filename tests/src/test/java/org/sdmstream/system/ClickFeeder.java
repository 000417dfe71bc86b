package org.sdmstream.system;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes prepared records to Kafka from a background thread at a steady rate, so faults can be
 * injected while clicks flow. Idempotent and ordered: a broker restart delays records, never
 * reorders or duplicates them.
 */
final class ClickFeeder implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicInteger sent = new AtomicInteger();
    private final CompletableFuture<List<RecordMetadata>> done;

    private ClickFeeder(
            String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
        this.producer = producer(bootstrapServers);
        this.done = CompletableFuture.supplyAsync(() -> feed(records, perSecond));
    }

    static ClickFeeder start(
            String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
        return new ClickFeeder(bootstrapServers, records, perSecond);
    }

    /** Writes everything at once and returns where each record landed. */
    static List<RecordMetadata> writeAll(
            String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        try (ClickFeeder feeder = start(bootstrapServers, records, Integer.MAX_VALUE)) {
            return feeder.await(Duration.ofMinutes(2));
        }
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                Integer.toString(SystemUnderTest.MAX_MESSAGE_BYTES));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    int sent() {
        return sent.get();
    }

    /** Waits until every record is acknowledged; returns their coordinates in input order. */
    List<RecordMetadata> await(Duration timeout) throws Exception {
        return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Blocks until at least {@code n} records were handed to the producer. */
    void awaitSent(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sent.get() < n && !done.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only " + sent.get() + " of " + n + " records sent within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    private List<RecordMetadata> feed(List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
        long start = System.nanoTime();
        List<java.util.concurrent.Future<RecordMetadata>> futures = new java.util.ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            if (perSecond != Integer.MAX_VALUE) {
                long due = start + (long) sent.get() * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while feeding clicks", e);
                    }
                }
            }
            futures.add(producer.send(r));
            sent.incrementAndGet();
        }
        producer.flush();
        return futures.stream()
                .map(
                        f -> {
                            try {
                                return f.get();
                            } catch (Exception e) {
                                throw new IllegalStateException(
                                        "a click could not be written: " + e.getMessage(), e);
                            }
                        })
                .toList();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
