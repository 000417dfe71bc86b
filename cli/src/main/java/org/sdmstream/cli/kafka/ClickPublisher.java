package org.sdmstream.cli.kafka;

import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.sdmstream.features.Click;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.wire.RecordCodec;
import org.sdmstream.wire.WireSettings;

/**
 * Replays clicks into a Kafka topic in one of the pipeline's wire formats (Avro single-object
 * encoding by default, or the schema-registry format; key = user id), paced by a speed-up of event
 * time and capped at a rate. Used by {@code sdm demo}, {@code sdm publish} and {@code sdm bench}.
 */
public final class ClickPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final RecordCodec<ClickEvent> codec;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Exception firstFailure;
    private volatile boolean stopped;

    public ClickPublisher(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of());
    }

    /**
     * A publisher whose producer has the defaults below (idempotent, acks=all, lz4, 5 ms linger),
     * overridden by {@code producerProperties} (e.g. security settings of a real cluster).
     */
    public ClickPublisher(
            String bootstrapServers, String topic, Map<String, String> producerProperties) {
        this(bootstrapServers, topic, producerProperties, WireSettings.SINGLE_OBJECT);
    }

    /**
     * As above, writing clicks in {@code wire}'s format (registry: the schema is registered under
     * {@code <topic>-value}).
     */
    public ClickPublisher(
            String bootstrapServers,
            String topic,
            Map<String, String> producerProperties,
            WireSettings wire) {
        this.codec = wire.codec(ClickEvent.class, topic, java.util.List.of());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putAll(producerProperties);
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /**
     * Sends up to {@code max} clicks. {@code speedUp} > 0 paces them so event time runs that many
     * times faster than wall time; {@code maxRate} > 0 caps clicks per second. {@code onSend} sees
     * the wall-clock nanos of each send (for latency), in order.
     */
    public void publish(
            Iterator<Click> clicks, long max, double speedUp, double maxRate, SendListener onSend)
            throws InterruptedException {
        long startNanos = System.nanoTime();
        long firstEventTime = Long.MIN_VALUE;
        for (long i = 0; i < max && !stopped && clicks.hasNext(); i++) {
            Click click = clicks.next();
            if (firstEventTime == Long.MIN_VALUE) {
                firstEventTime = click.eventTime();
            }
            long dueNanos = 0;
            if (speedUp > 0) {
                dueNanos = (long) ((click.eventTime() - firstEventTime) * 1e6 / speedUp);
            }
            if (maxRate > 0) {
                dueNanos = Math.max(dueNanos, (long) (i * 1e9 / maxRate));
            }
            long waitNanos = startNanos + dueNanos - System.nanoTime();
            if (waitNanos > 1_000_000) {
                Thread.sleep(waitNanos / 1_000_000);
            }
            ClickEvent event = FeatureRecords.toClickEvent(click);
            onSend.sent(click, System.nanoTime());
            producer.send(
                    new ProducerRecord<>(
                            topic,
                            click.userId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            codec.encode(event)),
                    (metadata, error) -> {
                        if (error != null) {
                            failed.incrementAndGet();
                            if (firstFailure == null) {
                                firstFailure = error;
                            }
                        }
                    });
            sent.incrementAndGet();
        }
        producer.flush();
    }

    /**
     * Makes a running {@link #publish} stop after the current click (it still flushes what it
     * sent).
     */
    public void stop() {
        stopped = true;
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    public Exception firstFailure() {
        return firstFailure;
    }

    @Override
    public void close() {
        producer.close();
    }

    /** Called just before each click is handed to the producer. */
    @FunctionalInterface
    public interface SendListener {
        void sent(Click click, long nanoTime);
    }

    /** A listener that ignores sends. */
    public static SendListener ignore() {
        return (click, nanos) -> {};
    }
}
