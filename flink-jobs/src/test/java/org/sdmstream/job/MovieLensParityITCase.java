package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.Click;
import org.sdmstream.features.clicklog.ClickLog;
import org.sdmstream.features.clicklog.ClickLogPreset;
import org.sdmstream.features.clicklog.ClickLogSource;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.job.kafka.KafkaConnectors;

/**
 * MovieLens 100K through the real job (in-JVM broker, MiniCluster, RocksDB, exactly-once) gives the
 * same sessions and histories, click by click, as the offline rules that {@code sdm sessions} applies
 * to the same file. Skipped when the data set is absent (it is never part of the repository).
 */
class MovieLensParityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static KafkaTestCluster kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaTestCluster.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    static Path movieLens() {
        String dir = System.getenv("SDM_DATA_DIR");
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty("sdm.data.dir", "../shared/data");
        }
        Path ml = Path.of(dir, "ml-100k");
        Assumptions.assumeTrue(Files.isRegularFile(ml.resolve("ml-100k.inter")),
                "MovieLens 100K not found under " + ml.toAbsolutePath()
                        + " (set SDM_DATA_DIR or -Dsdm.data.dir); skipping the ml-100k parity test");
        return ml;
    }

    @Test
    void theJobCutsMovieLensExactlyAsTheOfflineRules(@TempDir Path tmp) throws Exception {
        ClickLog log = ClickLogSource.dataset(movieLens(), ClickLogPreset.MOVIELENS).read();
        log.requireBadRowsAtMost(0);
        // A client replays each user's log in event-time order (ties in file order); the job keys by user.
        List<ClickEvent> clicks = new ArrayList<>();
        for (Click c : log.clicks()) {
            clicks.add(FeatureRecords.toClickEvent(c));
        }
        List<ClickEvent> inTimeOrder = new ArrayList<>(clicks);
        inTimeOrder.sort(Comparator.comparing(ClickEvent::getEventTime)); // stable: ties keep file order

        SessionFeatureJobITCase it = new SessionFeatureJobITCase();
        String suffix = "ml100k-" + System.nanoTime();
        JobConfig config = JobConfig.of(Map.ofEntries(
                Map.entry("job.name", "it-" + suffix),
                Map.entry("job.parallelism", "2"),
                Map.entry("kafka.bootstrap-servers", kafka.bootstrapServers()),
                Map.entry("kafka.group-id", "it-" + suffix),
                Map.entry("kafka.starting-offsets", "earliest"),
                Map.entry("kafka.bounded", "true"),
                Map.entry("topic.clicks", "clicks-" + suffix),
                Map.entry("topic.session-features", "features-" + suffix),
                Map.entry("topic.dead-letters", "dead-" + suffix),
                Map.entry("topic.late-clicks", "late-" + suffix),
                // MovieLens timestamps are seconds: no click in the replay is out of order.
                Map.entry("watermark.out-of-orderness", "5 s"),
                Map.entry("watermark.idleness", "10 min"),
                Map.entry("checkpoint.interval", "2 s"),
                Map.entry("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString()),
                Map.entry("sink.transactional-id-prefix", "it-" + suffix)));
        kafka.createTopics(2, config.clicksTopic(), config.sessionFeaturesTopic(), config.deadLettersTopic(),
                config.lateClicksTopic());
        kafka.produce(SessionFeatureJobITCase.toProducerRecords(config.clicksTopic(), it.plan(inTimeOrder, List.of())));

        long started = System.nanoTime();
        KafkaConnectors.sessionFeatureJob(config).run(SessionFeatureJobITCase.failFast());
        System.out.printf("ml-100k: %d clicks through the job in %d ms%n", clicks.size(),
                (System.nanoTime() - started) / 1_000_000);

        List<SessionFeatures> features = it.decode(kafka.readCommitted(config.sessionFeaturesTopic(), clicks.size(),
                Duration.ofSeconds(120)), SessionFeatures.class);
        assertThat(features).hasSize(100_000);
        SessionFeatureJobITCase.assertMatchesOffline(features, inTimeOrder);
        assertThat(kafka.readCommitted(config.lateClicksTopic(), 0, Duration.ofSeconds(2))).isEmpty();
        assertThat(kafka.readCommitted(config.deadLettersTopic(), 0, Duration.ofSeconds(2))).isEmpty();
    }
}
