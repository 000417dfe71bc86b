package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

    @Test
    void defaultsAreTheSessionRulesOfThePaperAndSafeSinkSettings() {
        JobConfig c = JobConfig.defaults();
        assertThat(c.sessionRules().gap()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.sessionRules().maxSessionLength()).isEqualTo(50);
        assertThat(c.sessionRules().historyHorizon()).isEqualTo(Duration.ofDays(7));
        assertThat(c.sessionRules().maxHistoryLength()).isEqualTo(20);
        assertThat(c.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(c.transactionTimeout()).isLessThanOrEqualTo(Duration.ofMinutes(15));
        assertThat(c.sessionizerSettings().stateTtl()).isGreaterThan(Duration.ofDays(7));
        Configuration flink = SessionFeatureJob.flinkConfiguration(c);
        assertThat(flink.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(flink.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fileThenOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "topic.clicks = my-clicks\nsession.max-length=30\nsink.delivery-guarantee=AT_LEAST_ONCE\n");
        JobConfig c = JobConfig.load(file, Map.of("session.max-length", "40"));
        assertThat(c.clicksTopic()).isEqualTo("my-clicks");
        assertThat(c.sessionRules().maxSessionLength()).isEqualTo(40);
        assertThat(c.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void commandLineArguments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "kafka.bootstrap-servers=broker:9092\ntopic.clicks=c1\n");
        JobConfig c = JobConfig.fromArgs("--config", file.toString(), "topic.clicks=c2", "--job.parallelism=4");
        assertThat(c.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(c.clicksTopic()).isEqualTo("c2");
        assertThat(c.parallelism()).isEqualTo(4);
        assertThatThrownBy(() -> JobConfig.fromArgs("oops")).hasMessageContaining("usage");
    }

    @Test
    void typosAndBadValuesFailAtStartWithTheKeyName() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("session.gapp", "5 min")))
                .hasMessageContaining("unknown configuration key 'session.gapp'");
        assertThatThrownBy(() -> JobConfig.of(Map.of("session.gap", "soon"))).hasMessageContaining("session.gap");
        assertThatThrownBy(() -> JobConfig.of(Map.of("sink.delivery-guarantee", "MAYBE")))
                .hasMessageContaining("sink.delivery-guarantee");
        assertThatThrownBy(() -> JobConfig.of(Map.of("sink.transaction-timeout", "1 h")))
                .hasMessageContaining("15 min");
        assertThatThrownBy(() -> JobConfig.of(Map.of("state.ttl", "1 d"))).hasMessageContaining("TTL");
    }

    @Test
    void kafkaClientSettingsPassThroughByPrefixOverTheJobsProducerDefaults() {
        JobConfig c = JobConfig.of(Map.of("kafka.producer.compression.type", "zstd", "kafka.producer.acks", "all",
                "kafka.consumer.fetch.min.bytes", "65536", "watermark.max-wait", "200 ms"));
        assertThat(c.producerProperties()).containsEntry("compression.type", "zstd").containsEntry("acks", "all")
                .containsEntry("batch.size", "131072");
        assertThat(c.consumerProperties()).containsExactly(Map.entry("fetch.min.bytes", "65536"));
        assertThat(JobConfig.defaults().producerProperties()).containsEntry("compression.type", "lz4");
        assertThat(c.sessionizerSettings().maxWait()).hasMillis(200);
        assertThatThrownBy(() -> JobConfig.of(Map.of("kafka.producer.", "x")))
                .hasMessageContaining("unknown configuration key 'kafka.producer.'");
        assertThatThrownBy(() -> JobConfig.of(Map.of("watermark.interval", "0 ms")))
                .hasMessageContaining("watermark.interval");
    }

    @Test
    void scoringIsOnWhenAModelIsGivenAndThenSessionFeaturesAreOff() {
        JobConfig off = JobConfig.defaults();
        assertThat(off.scoringEnabled()).isFalse();
        assertThat(off.writesSessionFeatures()).isTrue();
        JobConfig on = JobConfig.of(Map.of("scoring.model-dir", "/models/sdm-7"));
        assertThat(on.scoringEnabled()).isTrue();
        assertThat(on.writesSessionFeatures()).isFalse();
        assertThat(on.with("output.session-features", "true").writesSessionFeatures()).isTrue();
        assertThat(on.with("scoring.enabled", "false").scoringEnabled()).isFalse();
        assertThat(on.scoringSettings().maxBatchSize()).isEqualTo(256);
        assertThat(on.scoringSettings().maxBatchDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(on.scoringSettings().intraOpThreads()).isEqualTo(1);
        assertThat(on.scoringSettings().interOpThreads()).isEqualTo(-1);
        assertThat(on.minInterval()).isZero();
        assertThat(on.userVectorsTopic()).isEqualTo("user-vectors");
        assertThat(SessionFeatureJob.sessionFeaturesOnly(on).scoringEnabled()).isFalse();
        assertThat(SessionFeatureJob.sessionFeaturesOnly(on).writesSessionFeatures()).isTrue();

        assertThatThrownBy(() -> JobConfig.of(Map.of("scoring.enabled", "true")))
                .hasMessageContaining("scoring.model-dir");
        assertThatThrownBy(() -> JobConfig.of(Map.of("output.session-features", "false")))
                .hasMessageContaining("output.session-features");
        assertThatThrownBy(() -> on.with("scoring.batch.max-size", "0")).hasMessageContaining("scoring.batch.max-size");
        assertThatThrownBy(() -> on.with("scoring.batch.max-delay", "-1 ms")).hasMessageContaining("scoring.batch.max-delay");
        assertThatThrownBy(() -> on.with("scoring.min-interval", "soon")).hasMessageContaining("scoring.min-interval");
        assertThatThrownBy(() -> on.with("scoring.intra-op-threads", "-1")).hasMessageContaining("scoring.intra-op-threads");
    }

    @Test
    void theExampleFileIsValidAndComplete() throws Exception {
        Path example = Path.of(System.getProperty("user.dir")).resolve("conf/session-feature-job.properties");
        JobConfig c = JobConfig.load(example, Map.of());
        assertThat(c.parallelism()).isEqualTo(2);
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(example)) {
            p.load(r);
        }
        assertThat(p.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(JobConfig.DEFAULTS.keySet());
    }

    @Test
    void everyKeyIsDocumented() throws Exception {
        Path docs = Path.of(System.getProperty("user.dir")).getParent().resolve("docs");
        String text = Files.readString(docs.resolve("streaming.md")) + Files.readString(docs.resolve("scoring.md"));
        for (Map.Entry<String, String> e : JobConfig.DEFAULTS.entrySet()) {
            assertThat(text).as("docs/streaming.md or docs/scoring.md documents " + e.getKey()).contains("`" + e.getKey() + "`");
        }
    }
}
