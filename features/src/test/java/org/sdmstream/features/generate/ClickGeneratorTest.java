package org.sdmstream.features.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Click;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;

class ClickGeneratorTest {

    private static List<Click> generate(GeneratorConfig config) {
        List<Click> clicks = new ArrayList<>();
        new ClickGenerator(config).forEach(clicks::add);
        return clicks;
    }

    @Test
    void streamIsBoundedOrderedAndReproducible() {
        GeneratorConfig config =
                GeneratorConfig.defaults().withUsers(50).withItems(500).withMaxClicks(5_000);
        List<Click> first = generate(config);
        assertThat(first).hasSize(5_000).isEqualTo(generate(config));
        for (int i = 1; i < first.size(); i++) {
            assertThat(first.get(i).eventTime())
                    .isGreaterThanOrEqualTo(first.get(i - 1).eventTime());
        }
        assertThat(generate(config.withSeed(7))).isNotEqualTo(first);
    }

    @Test
    void clicksCarrySideFeaturesAndProfiles() {
        List<Click> clicks = generate(GeneratorConfig.defaults().withUsers(20).withMaxClicks(500));
        assertThat(clicks)
                .allSatisfy(
                        c -> {
                            assertThat(c.behavior().categoryId()).startsWith("c");
                            assertThat(c.behavior().brandId()).startsWith("b");
                            assertThat(c.behavior().shopId()).startsWith("s");
                            assertThat(c.profile()).containsKeys("age", "gender");
                        });
    }

    @Test
    void sessionsLookLikeSessionsAndThePlantedPatternIsThere() {
        GeneratorConfig config =
                GeneratorConfig.defaults().withUsers(100).withItems(1_000).withMaxClicks(20_000);
        List<Click> clicks = generate(config);
        List<Session> sessions = new OfflineSessionizer(SessionRules.DEFAULT).sessionize(clicks);
        double meanLength = clicks.size() / (double) sessions.size();
        assertThat(meanLength).isBetween(4.0, 14.0);
        assertThat(sessions.stream().filter(s -> !s.history().isEmpty()).count())
                .isGreaterThan(sessions.size() / 2);

        // The most frequent follower of an item should often be one fixed successor.
        Map<String, Map<String, Integer>> followers = new HashMap<>();
        for (Session s : sessions) {
            for (int i = 1; i < s.clicks().size(); i++) {
                followers
                        .computeIfAbsent(s.clicks().get(i - 1).itemId(), k -> new HashMap<>())
                        .merge(s.clicks().get(i).itemId(), 1, Integer::sum);
            }
        }
        Set<String> strongPairs = new HashSet<>();
        followers.forEach(
                (item, next) -> {
                    int total = next.values().stream().mapToInt(Integer::intValue).sum();
                    int top = next.values().stream().mapToInt(Integer::intValue).max().orElse(0);
                    if (total >= 10 && top >= 0.2 * total) {
                        strongPairs.add(item);
                    }
                });
        assertThat(strongPairs).hasSizeGreaterThan(20);
    }
}
