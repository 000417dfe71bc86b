package org.sdmstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.cli.CommandRun;

/**
 * {@code sdm demo} end to end: broker process, MiniCluster job, replay, drain, summary, exit code.
 */
class DemoCommandITCase {

    @Test
    void generatedClicksAreAllAccountedFor() {
        CommandRun run =
                CommandRun.sdm(
                        "demo", "--max-events", "2000", "--rate", "0", "--drain-timeout", "90");
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        assertThat(run.out())
                .containsPattern("clicks published +\\| +2,000 \\|")
                .containsPattern("every click accounted for +\\| +yes \\|")
                .containsPattern("consumer lag max \\(records\\) +\\| +[0-9,]+ \\|")
                // All read, and measured from the source's metrics (a fallback to committed offsets
                // is marked *).
                .containsPattern("consumer lag end \\(records\\) +\\| +0 \\|");
        assertThat(run.err()).containsPattern("consumer lag +[0-9,]+ ");
        // ... and ends with what the vectors mean: a few users' last clicks and their top-10 items
        assertThat(run.out())
                .contains("Recommendations (top 10 after the last click")
                .contains("last clicks:")
                .containsPattern(" 10\\. +\\S+");
    }

    @Test
    void aClickFileIsReplayedInEventTimeOrder(@TempDir Path dir) throws Exception {
        StringBuilder log = new StringBuilder("user\titem\ttime\n");
        // Written newest first: the demo must sort it, or the watermark would make most clicks
        // late.
        for (int i = 300; i > 0; i--) {
            log.append("u")
                    .append(i % 7)
                    .append('\t')
                    .append("i")
                    .append(i % 40)
                    .append('\t')
                    .append(1_700_000_000L + i * 30L)
                    .append('\n');
        }
        Path file = dir.resolve("log.tsv");
        Files.writeString(file, log, StandardCharsets.UTF_8);
        CommandRun run =
                CommandRun.sdm(
                        "demo",
                        "--input",
                        file.toString(),
                        "--user",
                        "user",
                        "--item",
                        "item",
                        "--time",
                        "time",
                        "--max-events",
                        "0",
                        "--rate",
                        "0",
                        "--work-dir",
                        dir.resolve("work").toString());
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        assertThat(run.err())
                .contains("replaying 300 of the file's 300 clicks in event-time order")
                // Unpaced, the replay runs event time far faster than real time.
                .contains("watermark alignment off: the replay is not paced in event time");
        assertThat(run.out())
                .containsPattern("user vectors out +\\| +300 \\|")
                .containsPattern("late clicks +\\| +0 \\|");
    }

    /**
     * Every topic in the registry format, with the schema registry the demo starts: the job reads
     * the registry-framed clicks (no dead letters) and the latency is measured on registry-framed
     * vectors.
     */
    @Test
    void theRegistryWireFormatRunsWithARegistryOfItsOwn() {
        CommandRun run =
                CommandRun.sdm(
                        "demo",
                        "--wire-format",
                        "registry",
                        "--max-events",
                        "300",
                        "--rate",
                        "0",
                        "--drain-timeout",
                        "90");
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        assertThat(run.err())
                .containsPattern(
                        "wire format registry, schema registry at"
                                + " http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7 up in");
        assertThat(run.out())
                .containsPattern("wire format +\\| +registry \\|")
                .containsPattern("clicks published +\\| +300 \\|")
                .containsPattern("dead letters +\\| +0 \\|")
                .containsPattern("every click accounted for +\\| +yes \\|")
                .containsPattern("latency samples +\\| +[1-9][0-9,]* \\|");
    }
}
