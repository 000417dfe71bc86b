package org.sdmstream.local.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkClusterConfigTest {

    @Test
    void flinkReadsTheWrittenConfigYamlBackEntryForEntry(@TempDir Path dir) throws Exception {
        FlinkClusterSettings settings =
                FlinkClusterSettings.small(dir)
                        .withConfig(
                                Map.of(
                                        "execution.checkpointing.interval",
                                        "1 s",
                                        "pipeline.name",
                                        "with \"quotes\" and: colons"));
        FlinkClusterConfig config = FlinkClusterConfig.of(settings);
        config.write();

        Configuration loaded = GlobalConfiguration.loadConfiguration(config.confDir().toString());
        config.entries()
                .forEach((key, value) -> assertThat(loaded.toMap()).containsEntry(key, value));
        assertThat(loaded.toMap().get("execution.checkpointing.interval")).isEqualTo("1 s");
        assertThat(config.javaOptions())
                .contains(
                        FlinkClusterConfig.AVRO_TRUSTED_PACKAGES,
                        "--add-opens=java.base/java.util=ALL-UNNAMED");
        assertThat(config.restUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(config.tmpDir().toString())
                .as("short: RocksDB names files after paths under it")
                .hasSizeLessThan(40);
        Files.delete(config.tmpDir());
    }

    @Test
    void memorySettingsFitTheProcessSizes(@TempDir Path dir) throws Exception {
        FlinkClusterConfig config = FlinkClusterConfig.of(FlinkClusterSettings.small(dir));
        Files.delete(config.tmpDir());
        Configuration conf = config.toFlinkConfiguration();
        // The same derivation flink-dist's scripts run (BashJavaUtils): fails if the sizes do not
        // add up.
        assertThat(
                        TaskExecutorProcessUtils.processSpecFromConfig(conf)
                                .getTotalProcessMemorySize()
                                .getMebiBytes())
                .isEqualTo(1280);
        assertThat(
                        JobManagerProcessUtils.processSpecFromConfig(conf)
                                .getTotalProcessMemorySize()
                                .getMebiBytes())
                .isEqualTo(1024);
        assertThat(
                        JobManagerProcessUtils.processSpecFromConfig(conf)
                                .getJvmMetaspaceSize()
                                .getMebiBytes())
                .isEqualTo(448);
    }

    @Test
    void clusterClasspathHoldsFlinkButNothingAJobJarBundles() {
        List<String> names =
                ClusterClasspath.ofThisJvm().stream().map(p -> p.getFileName().toString()).toList();
        assertThat(names)
                .anyMatch(n -> n.startsWith("flink-runtime-2"))
                .anyMatch(n -> n.startsWith("flink-runtime-web"))
                .anyMatch(n -> n.startsWith("flink-rpc-akka-loader"))
                .anyMatch(n -> n.startsWith("flink-statebackend-rocksdb"))
                .anyMatch(n -> n.startsWith("log4j-core"))
                // TensorFlow Java, as in lib/ (the scoring job's jar leaves it out; parent-first
                // loading).
                .anyMatch(n -> n.startsWith("tensorflow-core-api-"))
                .anyMatch(
                        n ->
                                n.startsWith("tensorflow-core-native-")
                                        && n.endsWith("-linux-x86_64.jar"))
                .anyMatch(n -> n.startsWith("tensorflow-framework-"))
                .anyMatch(n -> n.startsWith("ndarray-"))
                .anyMatch(n -> n.startsWith("javacpp-"))
                .anyMatch(n -> n.startsWith("protobuf-java-"));
        assertThat(names)
                .noneMatch(
                        n ->
                                n.startsWith("kafka")
                                        || n.startsWith("flink-connector-kafka")
                                        || n.startsWith("avro-")
                                        || n.startsWith("sdm-"));
    }
}
