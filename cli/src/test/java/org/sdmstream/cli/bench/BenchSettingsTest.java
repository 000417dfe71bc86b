package org.sdmstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.cli.demo.DemoModel;
import org.sdmstream.features.Click;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

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
                scoringModel == null
                        ? List.of()
                        : List.of(new BenchSettings.ScoringModel("m", 0, scoringModel)),
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

    static BenchCommand parsed(String... args) {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs(args);
        return bench;
    }

    @Test
    void modelSizeNamesOneOrBothSizesDefaultFirst() {
        assertThat(BenchSettings.modelSizes("both"))
                .containsExactly(DemoModel.Size.DEFAULT, DemoModel.Size.SMALL);
        assertThat(BenchSettings.modelSizes("Default")).containsExactly(DemoModel.Size.DEFAULT);
        assertThat(BenchSettings.modelSizes("small")).containsExactly(DemoModel.Size.SMALL);
        assertThatThrownBy(() -> BenchSettings.modelSizes("tiny"))
                .hasMessage("--model-size must be default, small or both, not tiny");
        assertThat(DemoModel.Size.DEFAULT.width()).isEqualTo(64);
        assertThat(DemoModel.Size.SMALL.width()).isEqualTo(32);
    }

    @Test
    void scoringTrainsBothSizesUnlessOneIsNamedOrAModelIsGiven() {
        assertThat(parsed("--scoring").modelSizes())
                .containsExactly(DemoModel.Size.DEFAULT, DemoModel.Size.SMALL);
        assertThat(parsed("--scoring", "--model-size", "small").modelSizes())
                .containsExactly(DemoModel.Size.SMALL);
        assertThat(parsed("--scoring", "--model", "/models/m1").modelSizes()).isEmpty();
        assertThat(parsed().modelSizes()).isEmpty();
    }

    @Test
    void modelOptionsWithoutScoringOrTogetherAreUsageErrors() {
        assertThatThrownBy(() -> parsed("--model-size", "small").modelSizes())
                .isInstanceOf(ParameterException.class)
                .hasMessage("--model-size needs --scoring");
        assertThatThrownBy(() -> parsed("--model", "/models/m1").modelSizes())
                .isInstanceOf(ParameterException.class)
                .hasMessage("--model needs --scoring");
        assertThatThrownBy(
                        () ->
                                parsed("--scoring", "--model", "/m", "--model-size", "small")
                                        .modelSizes())
                .isInstanceOf(ParameterException.class)
                .hasMessage("give --model or --model-size, not both");
        assertThatThrownBy(() -> parsed("--scoring", "--model-size", "huge").modelSizes())
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("not huge");
    }

    @Test
    void withoutAClickLogTheBenchGeneratesClicksOfItsShape() {
        BenchClicks clicks = parsed("--users", "7", "--items", "30", "--seed", "5").clicks();
        assertThat(clicks.generatedClicks()).isTrue();
        assertThat(clicks.toString()).isEqualTo("generated (7 users, 30 items, seed 5)");
    }

    @Test
    void aClickLogIsReadAsTheDemoReadsItInEventTimeOrder(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("clicks.csv");
        Files.writeString(log, "u1,i1,300\nu2,i2,100\nu1,i3,200\nu3,i1,400\n");
        BenchClicks clicks =
                parsed(
                                "--input",
                                log.toString(),
                                "--no-header",
                                "--sep",
                                "comma",
                                "--user",
                                "0",
                                "--item",
                                "1",
                                "--time",
                                "2")
                        .clicks();
        assertThat(clicks.generatedClicks()).isFalse();
        List<Click> replayed = new java.util.ArrayList<>();
        clicks.stream(0).forEachRemaining(replayed::add);
        assertThat(replayed)
                .extracting(Click::eventTime)
                .containsExactly(100_000L, 200_000L, 300_000L, 400_000L);
        // One click of the four is the tail that moves event time past the others.
        assertThat(clicks.measured(1_000)).isEqualTo(3);
    }

    @Test
    void logPassesNeedAClickLog() {
        assertThatThrownBy(() -> parsed("--log-passes", "3").clicks())
                .isInstanceOf(ParameterException.class)
                .hasMessage("--log-passes needs a click log (--input or --dataset-dir)");
    }

    @Test
    void aDatasetDirNeedsItsPreset(@TempDir Path dir) {
        assertThatThrownBy(() -> parsed("--dataset-dir", dir.toString()).clicks())
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--dataset-dir needs --preset");
    }
}
