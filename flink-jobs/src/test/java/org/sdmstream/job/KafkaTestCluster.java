package org.sdmstream.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker in this JVM, with the few client helpers the integration
 * tests need.
 */
public final class KafkaTestCluster implements AutoCloseable {

    private final KafkaClusterTestKit kit;

    private KafkaTestCluster(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    public static KafkaTestCluster start() throws Exception {
        KafkaClusterTestKit kit =
                new KafkaClusterTestKit.Builder(
                                new TestKitNodes.Builder()
                                        .setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("offsets.topic.num.partitions", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("transaction.state.log.num.partitions", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        return new KafkaTestCluster(kit);
    }

    public String bootstrapServers() {
        return kit.bootstrapServers();
    }

    /** Creates topics that keep records forever (test records carry old event times). */
    public void createTopics(int partitions, String... topics)
            throws ExecutionException, InterruptedException {
        createTopics(partitions, Map.of("retention.ms", "-1"), topics);
    }

    /** Topics with these topic configs (e.g. {@code cleanup.policy=compact}). */
    public void createTopics(int partitions, Map<String, String> configs, String... topics)
            throws ExecutionException, InterruptedException {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                newTopics.add(new NewTopic(t, partitions, (short) 1).configs(configs));
            }
            admin.createTopics(newTopics).all().get();
        }
    }

    /** Sends records in order and returns where each landed. */
    public List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                futures.add(producer.send(r));
            }
            producer.flush();
            List<RecordMetadata> out = new ArrayList<>();
            for (var f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    /**
     * Everything committed in {@code topic}, read with {@code read_committed}, partition by
     * partition in offset order; waits until at least {@code atLeast} records are there or {@code
     * timeout} passes.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(
            String topic, int atLeast, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            int emptyPollsAfterEnough = 0;
            while (System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(200));
                batch.forEach(out::add);
                if (out.size() >= atLeast) {
                    // A couple of empty polls more, so extra (duplicate) records would show up too.
                    emptyPollsAfterEnough = batch.isEmpty() ? emptyPollsAfterEnough + 1 : 0;
                    if (emptyPollsAfterEnough >= 3) {
                        break;
                    }
                }
            }
            out.sort(
                    java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(
                                    ConsumerRecord::partition)
                            .thenComparingLong(ConsumerRecord::offset));
            return out;
        }
    }

    /**
     * Waits until consumer group {@code group} has committed, on every partition of {@code topic},
     * the partition's end offset: a Flink Kafka source commits its offsets when a checkpoint
     * completes, so then a completed checkpoint covers everything in the topic. (For input written
     * without transactions, as here: a transaction's commit marker takes an offset no record
     * reaches.)
     */
    public void awaitGroupCommittedEnd(String group, String topic, Duration timeout)
            throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            int partitions =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions()
                            .size();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int i = 0; i < partitions; i++) {
                latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new java.util.HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, r) -> ends.put(tp, r.offset()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                boolean caughtUp =
                        ends.entrySet().stream()
                                .allMatch(
                                        e -> {
                                            OffsetAndMetadata c = committed.get(e.getKey());
                                            return c != null && c.offset() >= e.getValue();
                                        });
                if (caughtUp) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "group " + group + " committed " + committed + ", end offsets " + ends);
                }
                Thread.sleep(20);
            }
        }
    }

    @Override
    public void close() throws Exception {
        kit.close();
    }
}
