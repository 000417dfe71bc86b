package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.job.scoring.ScoringOptions.Switch;
import org.sdmstream.job.scoring.ScoringSettings;
import org.sdmstream.job.sessionizer.SessionizerOptions;
import org.sdmstream.model.retrieval.HnswSettings;
import org.sdmstream.model.scoring.IncrementalScorerOptions;

class JobConfigTest {

    @Test
    void defaultsAreTheSessionRulesOfThePaperAndSafeSinkSettings() {
        JobConfig c = JobConfig.defaults();
        assertThat(c.sessionRules().gap()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.sessionRules().maxSessionLength()).isEqualTo(50);
        assertThat(c.sessionRules().historyHorizon()).isEqualTo(Duration.ofDays(7));
        assertThat(c.sessionRules().maxHistoryLength()).isEqualTo(20);
        assertThat(c.get(KafkaOptions.DELIVERY_GUARANTEE).guarantee())
                .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(c.get(KafkaOptions.TRANSACTION_TIMEOUT))
                .isLessThanOrEqualTo(Duration.ofMinutes(15));
        assertThat(c.sessionizerSettings().stateTtl()).isGreaterThan(Duration.ofDays(7));
        Configuration flink = UserInterestJob.flinkConfiguration(c);
        assertThat(flink.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(flink.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fileThenOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(
                file,
                "topic.clicks = my-clicks\nsession.max-length=30\nsink.delivery-guarantee=AT_LEAST_ONCE\n");
        JobConfig c = JobConfig.load(file, Map.of("session.max-length", "40"));
        assertThat(c.get(KafkaOptions.CLICKS_TOPIC)).isEqualTo("my-clicks");
        assertThat(c.sessionRules().maxSessionLength()).isEqualTo(40);
        assertThat(c.get(KafkaOptions.DELIVERY_GUARANTEE).guarantee())
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void commandLineArguments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "kafka.bootstrap-servers=broker:9092\ntopic.clicks=c1\n");
        JobConfig c =
                JobConfig.fromArgs(
                        "--config", file.toString(), "topic.clicks=c2", "--job.parallelism=4");
        assertThat(c.get(KafkaOptions.BOOTSTRAP_SERVERS)).isEqualTo("broker:9092");
        assertThat(c.get(KafkaOptions.CLICKS_TOPIC)).isEqualTo("c2");
        assertThat(c.get(JobOptions.PARALLELISM)).isEqualTo(4);
        assertThatThrownBy(() -> JobConfig.fromArgs("oops")).hasMessageContaining("usage");
    }

    @Test
    void typosAndBadValuesFailAtStartWithTheKeyName() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("session.gapp", "5 min")))
                .hasMessageContaining("unknown configuration key 'session.gapp'");
        assertThatThrownBy(() -> JobConfig.of(Map.of("session.gap", "soon")))
                .hasMessageContaining("session.gap");
        assertThatThrownBy(() -> JobConfig.of(Map.of("sink.delivery-guarantee", "MAYBE")))
                .hasMessageContaining("sink.delivery-guarantee");
        assertThatThrownBy(() -> JobConfig.of(Map.of("sink.transaction-timeout", "1 h")))
                .hasMessageContaining("15 min");
        assertThatThrownBy(() -> JobConfig.of(Map.of("state.ttl", "1 d")))
                .hasMessageContaining("TTL");
        assertThatThrownBy(() -> JobConfig.of(Map.of("state.ttl", "7 d")))
                .as("not beyond horizon + lateness")
                .hasMessageContaining("TTL");
        assertThatThrownBy(() -> JobConfig.of(Map.of("watermark.alignment.max-drift", "-1 s")))
                .hasMessageContaining("watermark.alignment.max-drift");
    }

    @Test
    void kafkaClientSettingsPassThroughByPrefixOverTheJobsProducerDefaults() {
        JobConfig c =
                JobConfig.of(
                        Map.of(
                                "kafka.producer.compression.type",
                                "zstd",
                                "kafka.producer.acks",
                                "all",
                                "kafka.consumer.fetch.min.bytes",
                                "65536",
                                "watermark.max-wait",
                                "200 ms"));
        assertThat(c.producerProperties())
                .containsEntry("compression.type", "zstd")
                .containsEntry("acks", "all")
                .containsEntry("batch.size", "131072");
        assertThat(c.consumerProperties()).containsExactly(Map.entry("fetch.min.bytes", "65536"));
        assertThat(JobConfig.defaults().producerProperties())
                .containsEntry("compression.type", "lz4");
        assertThat(c.sessionizerSettings().maxWait()).hasMillis(200);
        assertThatThrownBy(() -> JobConfig.of(Map.of("kafka.producer.", "x")))
                .hasMessageContaining("unknown configuration key 'kafka.producer.'");
        assertThatThrownBy(() -> JobConfig.of(Map.of("watermark.interval", "0 ms")))
                .hasMessageContaining("watermark.interval");
    }

    @Test
    void secretKafkaSettingsAreMaskedInWhatLogsShowButPassedToTheClients() {
        String jaas =
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p4ss\";";
        JobConfig c =
                JobConfig.of(
                        Map.of(
                                "kafka.consumer.sasl.jaas.config",
                                jaas,
                                "kafka.producer.ssl.key.password",
                                "k3y",
                                "kafka.producer.ssl.keystore.key",
                                "PEM",
                                "kafka.consumer.sasl.oauthbearer.client.credentials.client.secret",
                                "s3cret",
                                "kafka.producer.compression.type",
                                "zstd",
                                "kafka.consumer.key.deserializer",
                                "x"));
        assertThat(c.toString()).doesNotContain("p4ss", "k3y", "PEM", "s3cret").contains("zstd");
        assertThat(c.asRedactedMap())
                .containsEntry("kafka.consumer.sasl.jaas.config", "******")
                .containsEntry("kafka.producer.ssl.key.password", "******")
                .containsEntry("kafka.producer.ssl.keystore.key", "******")
                .containsEntry(
                        "kafka.consumer.sasl.oauthbearer.client.credentials.client.secret",
                        "******")
                .containsEntry("kafka.producer.compression.type", "zstd")
                .containsEntry("kafka.consumer.key.deserializer", "x");
        assertThat(c.consumerProperties()).containsEntry("sasl.jaas.config", jaas);
        assertThat(c.producerProperties()).containsEntry("ssl.key.password", "k3y");
    }

    @Test
    void scoringIsOnWhenAModelIsGivenAndThenSessionFeaturesAreOff() {
        JobConfig off = JobConfig.defaults();
        assertThat(off.scoringEnabled()).isFalse();
        assertThat(off.writesSessionFeatures()).isTrue();
        JobConfig on = JobConfig.of(Map.of("scoring.model-dir", "/models/sdm-7"));
        assertThat(on.scoringEnabled()).isTrue();
        assertThat(on.writesSessionFeatures()).isFalse();
        assertThat(
                        on.with(ScoringOptions.SESSION_FEATURES_OUTPUT, Switch.TRUE)
                                .writesSessionFeatures())
                .isTrue();
        assertThat(on.with(ScoringOptions.ENABLED, Switch.FALSE).scoringEnabled()).isFalse();
        assertThat(on.scoringSettings().maxBatchSize()).isEqualTo(256);
        assertThat(on.scoringSettings().maxBatchDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(on.scoringSettings().intraOpThreads()).isEqualTo(1);
        assertThat(on.scoringSettings().interOpThreads()).isEqualTo(-1);
        assertThat(on.get(ScoringOptions.MIN_INTERVAL)).isZero();
        assertThat(on.scoringSettings().loader())
                .isEqualTo(
                        new ScoringSettings.IncrementalLoader(
                                256L << 20, IncrementalScorerOptions.Bursts.PREFIX_ROWS));
        assertThat(on.with(Map.of("scoring.bursts", "planned")).scoringSettings().loader())
                .isEqualTo(
                        new ScoringSettings.IncrementalLoader(
                                256L << 20, IncrementalScorerOptions.Bursts.PLANNED));
        // subtasks share a loaded scorer only with the same bursts
        assertThat(on.with(Map.of("scoring.bursts", "planned")).scoringSettings().sharingKey())
                .isNotEqualTo(on.scoringSettings().sharingKey());
        assertThatThrownBy(() -> on.with(Map.of("scoring.bursts", "sometimes")))
                .hasMessageContaining("scoring.bursts");
        assertThat(on.get(KafkaOptions.USER_VECTORS_TOPIC)).isEqualTo("user-vectors");
        assertThat(on.outputTopic()).isEqualTo("user-vectors");
        JobConfig sessionFeaturesOnly =
                on.toBuilder()
                        .set(ScoringOptions.ENABLED, Switch.FALSE)
                        .set(ScoringOptions.SESSION_FEATURES_OUTPUT, Switch.TRUE)
                        .build();
        assertThat(sessionFeaturesOnly.scoringEnabled()).isFalse();
        assertThat(sessionFeaturesOnly.writesSessionFeatures()).isTrue();
        assertThat(sessionFeaturesOnly.outputTopic()).isEqualTo("session-features");

        assertThatThrownBy(() -> JobConfig.of(Map.of("scoring.enabled", "true")))
                .hasMessageContaining("scoring.model-dir");
        assertThatThrownBy(() -> JobConfig.of(Map.of("output.session-features", "false")))
                .hasMessageContaining("output.session-features");
        assertThatThrownBy(() -> on.with(Map.of("scoring.batch.max-size", "0")))
                .hasMessageContaining("scoring.batch.max-size");
        assertThatThrownBy(() -> on.with(Map.of("scoring.batch.max-delay", "-1 ms")))
                .hasMessageContaining("scoring.batch.max-delay");
        assertThatThrownBy(() -> on.with(Map.of("scoring.min-interval", "soon")))
                .hasMessageContaining("scoring.min-interval");
        assertThatThrownBy(() -> on.with(Map.of("scoring.intra-op-threads", "-1")))
                .hasMessageContaining("scoring.intra-op-threads");
    }

    @Test
    void hnswSettingsAreTypedWithLucenesDefaultsAndCheckedByKey() {
        assertThat(JobConfig.defaults().hnswSettings()).isEqualTo(HnswSettings.DEFAULTS);
        assertThat(HnswSettings.DEFAULTS).isEqualTo(new HnswSettings(16, 100, 200));
        JobConfig c =
                JobConfig.of(
                        Map.of(
                                "retrieval.hnsw.max-connections", "32",
                                "retrieval.hnsw.build-beam", "200",
                                "retrieval.hnsw.search-beam", "400"));
        assertThat(c.hnswSettings()).isEqualTo(new HnswSettings(32, 200, 400));
        assertThatThrownBy(() -> JobConfig.of(Map.of("retrieval.hnsw.max-connections", "0")))
                .hasMessageContaining("retrieval.hnsw.max-connections")
                .hasMessageContaining("between 1 and 512");
        assertThatThrownBy(() -> JobConfig.of(Map.of("retrieval.hnsw.build-beam", "5000")))
                .hasMessageContaining("retrieval.hnsw.build-beam");
        assertThatThrownBy(() -> JobConfig.of(Map.of("retrieval.hnsw.search-beam", "-1")))
                .hasMessageContaining("retrieval.hnsw.search-beam");
        assertThatThrownBy(() -> JobConfig.of(Map.of("retrieval.hnsw.search-beam", "wide")))
                .hasMessageContaining("retrieval.hnsw.search-beam");
    }

    @Test
    void theExampleFileIsValidAndComplete() throws Exception {
        Path example =
                Path.of(System.getProperty("user.dir"))
                        .resolve("conf/user-interest-job.properties");
        JobConfig c = JobConfig.load(example, Map.of());
        assertThat(c.get(JobOptions.PARALLELISM)).isEqualTo(2);
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(example)) {
            p.load(r);
        }
        assertThat(p.stringPropertyNames())
                .containsExactlyInAnyOrderElementsOf(
                        JobConfig.OPTIONS.stream().map(ConfigOption::key).toList());
    }

    @Test
    void typedOptionsAreCheckedLikeTheirTextAndFormatAsTheDocsWriteThem() {
        JobConfig c =
                JobConfig.builder()
                        .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2))
                        .set(KafkaOptions.DELIVERY_GUARANTEE, KafkaOptions.Delivery.AT_LEAST_ONCE)
                        .set(SessionizerOptions.SESSION_GAP, Duration.ofMinutes(20))
                        .build();
        assertThat(c.sessionRules().gap()).isEqualTo(Duration.ofMinutes(20));
        assertThat(c.asMap())
                .containsEntry("checkpoint.interval", "2 s")
                .containsEntry("session.gap", "20 min")
                .containsEntry("sink.delivery-guarantee", "AT_LEAST_ONCE")
                .containsEntry("scoring.scorer", "incremental");
        assertThat(JobConfig.of(c.asMap()).asMap()).isEqualTo(c.asMap());
        assertThatThrownBy(() -> c.with(JobOptions.CHECKPOINT_INTERVAL, Duration.ZERO))
                .hasMessageContaining("checkpoint.interval");
        assertThatThrownBy(() -> JobConfig.of(Map.of("scoring.scorer", "fast")))
                .hasMessageContaining("scoring.scorer")
                .hasMessageContaining("incremental or full-tower");
        assertThatThrownBy(() -> JobConfig.of(Map.of("sink.delivery-guarantee", "NONE")))
                .hasMessageContaining("expected EXACTLY_ONCE or AT_LEAST_ONCE");
        ConfigOption<String> stranger =
                ConfigOptions.key("session.gapp").stringType().defaultValue("");
        assertThatThrownBy(() -> c.with(stranger, "x")).hasMessageContaining("session.gapp");
    }

    @Test
    void readmeTablesListEveryOptionWithItsDefaultAndNothingElse() throws Exception {
        Map<String, String> documented = readmeKeyTables();
        for (ConfigOption<?> option : JobConfig.OPTIONS) {
            String expected =
                    option.defaultValue().toString().isEmpty()
                            ? "*(empty)*"
                            : "`" + OptionText.format(option.defaultValue()) + "`";
            assertThat(documented)
                    .as("README.md's key tables document " + option.key())
                    .containsEntry(option.key(), expected);
        }
        Set<String> keys =
                new HashSet<>(JobConfig.OPTIONS.stream().map(ConfigOption::key).toList());
        keys.add(KafkaOptions.PRODUCER_PREFIX + "<name>");
        keys.add(KafkaOptions.CONSUMER_PREFIX + "<name>");
        assertThat(keys)
                .as("keys in README.md's tables that are options")
                .containsAll(documented.keySet());
    }

    /** Key to default cell of every row of README.md's "Job keys" and "Scoring keys" tables. */
    private static Map<String, String> readmeKeyTables() throws Exception {
        String readme =
                Files.readString(
                        Path.of(System.getProperty("user.dir")).getParent().resolve("README.md"));
        Map<String, String> rows = new HashMap<>();
        Pattern row = Pattern.compile("(?m)^\\| `([^`]+)` \\| ([^|]*?) \\|");
        for (String heading : List.of("### Job keys", "### Scoring keys")) {
            int start = readme.indexOf("\n" + heading + "\n");
            assertThat(start).as("README.md has a section " + heading).isNotNegative();
            int end = readme.indexOf("\n#", start + 1);
            Matcher m = row.matcher(readme.substring(start, end < 0 ? readme.length() : end));
            while (m.find()) {
                rows.put(m.group(1), m.group(2));
            }
        }
        return rows;
    }
}
