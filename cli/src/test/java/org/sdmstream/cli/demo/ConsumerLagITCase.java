package org.sdmstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.local.KafkaTopics;
import org.sdmstream.local.LocalKafkaBroker;
import org.sdmstream.local.flink.FlinkRestClient;

/**
 * {@link ConsumerLag} against a real broker when no Flink job answers: it falls back to the group's
 * committed offsets (the source-metrics path is covered end to end by {@link DemoCommandITCase}).
 */
class ConsumerLagITCase {

    @Test
    void withoutSourceMetricsTheLagComesFromCommittedOffsets(@TempDir Path dir) throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), Map.of())) {
            String bootstrap = broker.bootstrapServers();
            KafkaTopics.ensure(bootstrap, List.of("clicks"), 2, KafkaTopics.KEEP_FOREVER);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 50; i++) {
                    producer.send(new ProducerRecord<>("clicks", 0, null, new byte[] {1}));
                    producer.send(new ProducerRecord<>("clicks", 1, null, new byte[] {2}));
                }
                producer.flush();
            }
            Properties a = new Properties();
            a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(a)) {
                // The group has committed partition 0 up to 30 and nothing of partition 1 yet.
                admin.alterConsumerGroupOffsets(
                                "job-group",
                                Map.of(new TopicPartition("clicks", 0), new OffsetAndMetadata(30)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            FlinkRestClient nobody = new FlinkRestClient("http://127.0.0.1:" + closedPort());
            try (ConsumerLag lag =
                    new ConsumerLag(bootstrap, "clicks", "job-group", nobody, "0".repeat(32))) {
                ConsumerLag.Sample sample = lag.measure();
                assertThat(sample.basis()).isEqualTo(ConsumerLag.Basis.COMMITTED_OFFSETS);
                assertThat(sample.records()).isEqualTo((50 - 30) + 50);
            }
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
