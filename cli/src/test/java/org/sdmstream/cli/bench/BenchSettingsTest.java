package org.sdmstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

    static BenchSettings settings(Set<String> phases, double latencyRate) {
        return settings(phases, latencyRate, null, 0);
    }

    static BenchSettings settings(
            Set<String> phases, double latencyRate, Path scoringModel, int topK) {
        return new BenchSettings(
                1000,
                10,
                10,
                1,
                2,
                2,
                Duration.ofSeconds(2),
                100,
                latencyRate,
                Duration.ofMinutes(1),
                false,
                scoringModel,
                0,
                Map.of(),
                phases,
                topK);
    }

    @Test
    void aLatencyPhaseNeedsItsThroughputPhaseOrARate() {
        assertThat(settings(Set.of("at-least-once", "latency"), 0).runs("latency")).isTrue();
        assertThat(settings(Set.of("scored-latency"), 500).runs("scored-latency")).isTrue();
        assertThatThrownBy(() -> settings(Set.of("latency"), 0))
                .hasMessage("--phases latency without at-least-once needs --latency-rate");
        assertThatThrownBy(() -> settings(Set.of("at-least-once", "scored-latency"), 0))
                .hasMessage(
                        "--phases scored-latency without scored-at-least-once needs --latency-rate");
    }

    @Test
    void unknownPhasesAreRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> settings(Set.of("warp"), 0))
                .hasMessageContaining("unknown phase in --phases [warp]")
                .hasMessageContaining("scored-exactly-once");
    }

    @Test
    void theTopKPhaseRunsOnlyWithAKAndNeedsTheScoringModel() {
        Path model = Path.of("model");
        Set<String> all = Set.copyOf(BenchSettings.PHASES);
        assertThat(settings(all, 0, model, 50).runs("scored-top-k")).isTrue();
        assertThat(settings(all, 0, model, 50).topK()).isEqualTo(50);
        assertThat(settings(all, 0, model, 0).runs("scored-top-k")).isFalse();
        assertThat(settings(all, 0, model, 0).runs("scored-at-least-once")).isTrue();
        assertThat(settings(Set.of("scored-at-least-once"), 0, model, 50).runs("scored-top-k"))
                .isFalse();
        assertThatThrownBy(() -> settings(all, 0, null, 50))
                .hasMessage("--top-k searches the scoring model's items: it needs --scoring");
        assertThatThrownBy(() -> settings(all, 0, model, -1))
                .hasMessage("--top-k must be >= 0, got -1");
    }
}
