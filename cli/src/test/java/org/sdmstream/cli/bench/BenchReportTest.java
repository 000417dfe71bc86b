package org.sdmstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    @Test
    void aLatencyPhaseWithoutSamplesReadsNotAvailableInTheSummaryNotNaN() {
        BenchSettings settings =
                BenchSettingsTest.settings(
                        Set.of("at-least-once", "scored-at-least-once", "scored-latency"),
                        0,
                        Path.of("model"),
                        0);
        Map<String, Double> results = new LinkedHashMap<>();
        results.put("sustained at-least-once (clicks/s)", 1000.0);
        results.put("sustained scored m at-least-once (clicks/s)", 500.0);
        results.put("scored m latency p50 (ms)", Double.NaN);
        results.put("scored m latency p99 (ms)", Double.NaN);
        StringWriter out = new StringWriter();

        new BenchReport(settings, results, Map.of()).print(new PrintWriter(out));

        assertThat(out.toString())
                .contains("| scored, m | at-least-once | 500 | 0.50 | n/a | n/a / n/a |")
                .doesNotContain("NaN");
    }

    @Test
    void everyLatencyPhaseHasTopicsOfItsOwn() {
        // With two scoring models the second latency phase once reused the first one's topic and
        // consumer group and measured nothing.
        assertThat(PipelineBenchmark.liveSuffix(7)).isNotEqualTo(PipelineBenchmark.liveSuffix(8));
    }
}
