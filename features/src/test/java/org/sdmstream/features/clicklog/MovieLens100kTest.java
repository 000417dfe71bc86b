package org.sdmstream.features.clicklog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Click;
import org.sdmstream.features.testing.TestData;

/** Reads the real ml-100k RecBole files when the data directory is present (never committed). */
class MovieLens100kTest {

    static Path dataDir() {
        return TestData.movieLens100k();
    }

    @Test
    void readsAllOfMl100kWithFeaturesAndProfiles() {
        Path ml = dataDir();
        long start = System.nanoTime();
        ClickLog log =
                ClickLogSource.dataset(ml, ClickLogPreset.MOVIELENS).read().requireBadRowsAtMost(0);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(log.clicks()).hasSize(100_000);
        assertThat(log.itemsReport().records()).isEqualTo(1682);
        assertThat(log.usersReport().records()).isEqualTo(943);
        Set<String> users = new HashSet<>();
        Set<String> items = new HashSet<>();
        for (Click c : log.clicks()) {
            users.add(c.userId());
            items.add(c.behavior().itemId());
        }
        assertThat(users).hasSize(943);
        assertThat(items).hasSize(1682);
        assertThat(log.report().missingItemFeatures()).isZero();
        assertThat(log.report().missingProfiles()).isZero();
        Click first = log.clicks().get(0);
        assertThat(first.userId()).isEqualTo("196");
        assertThat(first.behavior().itemId()).isEqualTo("242");
        assertThat(first.eventTime()).isEqualTo(881250949000L);
        assertThat(first.profile())
                .containsKeys("age", "gender", "occupation")
                .doesNotContainKey("zip_code");
        assertThat(log.clicks()).allSatisfy(c -> assertThat(c.behavior().brandId()).isNotNull());
        // Reported, not asserted: speed is a benchmark matter (docs/offline.md), not a unit-test
        // one.
        System.out.println("ml-100k read in " + millis + " ms: " + log.report().summary());
    }
}
