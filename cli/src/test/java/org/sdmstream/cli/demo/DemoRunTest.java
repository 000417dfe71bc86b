package org.sdmstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.sdmstream.cli.demo.ConsumerLag.Basis;
import org.sdmstream.cli.demo.ConsumerLag.Sample;
import org.sdmstream.cli.demo.DemoCommand.DemoRun;
import org.sdmstream.cli.demo.DemoCommand.ProgressLine;
import org.sdmstream.cli.kafka.LatencyRecorder;
import org.sdmstream.wire.WireFormat;

/** The demo's summary table and progress column for the consumer lag. */
class DemoRunTest {

    private static String summary(long maxLag, Sample finalLag) {
        StringWriter out = new StringWriter();
        new DemoRun(
                        "user vectors out",
                        WireFormat.REGISTRY,
                        100,
                        100,
                        0,
                        0,
                        1.0,
                        2.0,
                        new LatencyRecorder(),
                        maxLag,
                        finalLag,
                        "sp")
                .print(new PrintWriter(out), 3.0);
        return out.toString();
    }

    @Test
    void summaryHasMaxAndFinalLagRowsInTheTableFormat() {
        String table = summary(12_345, new Sample(0, Basis.SOURCE_METRICS));
        assertThat(table)
                .contains("| consumer lag max (records)  |         12,345 |")
                .contains("| consumer lag end (records)  |              0 |")
                .contains("| wire format                 |       registry |")
                .doesNotContain("* from the committed offsets");
        // Every table row is as wide as the header.
        int width = "| sdm demo summary            |                |".length();
        assertThat(table.lines().filter(l -> l.startsWith("|")))
                .allMatch(l -> l.length() == width, "rows of width " + width);
    }

    @Test
    void aFinalLagFromCommittedOffsetsIsMarked() {
        String table = summary(7, new Sample(3, Basis.COMMITTED_OFFSETS));
        assertThat(table)
                .contains("| consumer lag end (records)  |             3* |")
                .contains("* from the committed offsets");
    }

    @Test
    void progressColumnMarksFallbackAndKeepsItsWidth() {
        String metrics = ProgressLine.lagColumn(new Sample(1_234, Basis.SOURCE_METRICS));
        String committed = ProgressLine.lagColumn(new Sample(1_234, Basis.COMMITTED_OFFSETS));
        String unknown = ProgressLine.lagColumn(null);
        assertThat(metrics.strip()).isEqualTo("1,234");
        assertThat(committed.strip()).isEqualTo("1,234 (committed)");
        assertThat(unknown.strip()).isEqualTo("?");
        assertThat(metrics).hasSameSizeAs(committed).hasSameSizeAs(unknown);
    }
}
