package org.sdmstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

    static BenchSettings settings(Set<String> phases, double latencyRate) {
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
                null,
                0,
                Map.of(),
                phases);
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
}
