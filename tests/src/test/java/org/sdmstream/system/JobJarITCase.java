package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The job jar the reactor packaged: our code (the scoring job and sdm-model's scorer included), the
 * connector, Kafka clients and Avro inside; Flink's runtime, logging and TensorFlow Java with
 * JavaCPP and protobuf (the cluster's lib/, loaded parent-first) outside, so nothing shadows the
 * cluster's copy.
 */
class JobJarITCase {

    @Test
    void bundlesTheJobAndItsConnectorsButNotTheFlinkRuntime() throws Exception {
        Path jar =
                Path.of(
                        System.getProperty(
                                "sdm.job.jar",
                                "../flink-jobs/target/sdm-flink-jobs-0.1.0-SNAPSHOT-job.jar"));
        assertThat(Files.isRegularFile(jar))
                .as("job jar %s (built in flink-jobs' package phase)", jar)
                .isTrue();
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("org.sdmstream.job.UserInterestJob");
            List<String> names = file.stream().map(e -> e.getName()).toList();
            assertThat(names)
                    .contains(
                            "org/sdmstream/job/UserInterestJob.class",
                            "org/sdmstream/model/scoring/SdmScorer.class",
                            "com/fasterxml/jackson/databind/ObjectMapper.class",
                            "org/sdmstream/features/UserTimeline.class",
                            "org/sdmstream/records/ClickEvent.class",
                            "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                            "org/apache/flink/formats/avro/typeutils/AvroTypeInfo.class",
                            "org/apache/kafka/clients/producer/KafkaProducer.class",
                            "org/apache/avro/Schema.class");
            assertThat(names)
                    .noneMatch(
                            n ->
                                    n.startsWith("org/apache/flink/streaming/api/")
                                            || n.startsWith("org/apache/flink/runtime/")
                                            || n.startsWith("org/apache/flink/configuration/")
                                            || n.startsWith("org/apache/flink/state/rocksdb/")
                                            || n.startsWith("org/rocksdb/")
                                            || n.startsWith("org/apache/logging/log4j/")
                                            || n.startsWith("org/slf4j/")
                                            || n.startsWith("org/tensorflow/")
                                            || n.startsWith("org/bytedeco/")
                                            || n.startsWith("com/google/protobuf/")
                                            || n.startsWith("org/tensorflow/proto/")
                                            || n.startsWith("META-INF/native/")
                                            || n.startsWith("scala/"));
        }
    }
}
