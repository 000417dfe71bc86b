package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.Click;
import org.sdmstream.features.clicklog.ClickLog;
import org.sdmstream.features.clicklog.ClickLogPreset;
import org.sdmstream.features.clicklog.ClickLogSource;
import org.sdmstream.features.testing.TestData;
import org.sdmstream.job.kafka.KafkaConnectors;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/**
 * MovieLens 100K through the real job (in-JVM broker, MiniCluster, RocksDB, exactly-once) gives the
 * same sessions and histories, click by click, as the offline rules that {@code sdm sessions}
 * applies to the same file. Skipped when the data set is absent (it is never part of the
 * repository).
 */
class MovieLensParityITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = KafkaJobFixture.miniCluster();

    @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

    static Path movieLens() {
        return TestData.movieLens100k();
    }

    @Test
    void theJobCutsMovieLensExactlyAsTheOfflineRules(@TempDir Path tmp) throws Exception {
        ClickLog log = ClickLogSource.dataset(movieLens(), ClickLogPreset.MOVIELENS).read();
        log.requireBadRowsAtMost(0);
        // A client replays each user's log in event-time order (ties in file order); the job keys
        // by user.
        List<ClickEvent> clicks = new ArrayList<>();
        for (Click c : log.clicks()) {
            clicks.add(FeatureRecords.toClickEvent(c));
        }
        List<ClickEvent> inTimeOrder = new ArrayList<>(clicks);
        inTimeOrder.sort(
                Comparator.comparing(ClickEvent::getEventTime)); // stable: ties keep file order

        String suffix = "ml100k-" + System.nanoTime();
        // MovieLens timestamps are seconds: no click in the replay is out of order.
        JobConfig config =
                KAFKA.config(suffix, tmp, true)
                        .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2))
                        .build();
        KAFKA.createTopics(config);
        KAFKA.produceClicks(config, inTimeOrder);

        long started = System.nanoTime();
        KafkaConnectors.userInterestJob(config).run(KafkaJobFixture.failFast());
        System.out.printf(
                "ml-100k: %d clicks through the job in %d ms%n",
                clicks.size(), (System.nanoTime() - started) / 1_000_000);

        List<SessionFeatures> features =
                KAFKA.readCommitted(
                        config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                        clicks.size(),
                        Duration.ofSeconds(120),
                        SessionFeatures.class);
        assertThat(features).hasSize(100_000);
        OfflineParity.assertSessionFeaturesMatch(features, inTimeOrder);
        assertThat(
                        KAFKA.readCommitted(
                                config.get(KafkaOptions.LATE_CLICKS_TOPIC),
                                0,
                                Duration.ofSeconds(2)))
                .isEmpty();
        assertThat(
                        KAFKA.readCommitted(
                                config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                                0,
                                Duration.ofSeconds(2)))
                .isEmpty();
    }
}
