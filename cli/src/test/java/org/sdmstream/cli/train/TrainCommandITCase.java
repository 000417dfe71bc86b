package org.sdmstream.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.ModelMetadata;
import org.sdmstream.model.scoring.SdmScorer;
import picocli.CommandLine;

class TrainCommandITCase {

    @TempDir Path tmp;

    private record Run(int exit, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new TrainCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * A Taobao-format log (user,item,category,behavior,seconds) with a sequential pattern: 10
     * users, 3 sessions of 5 clicks each an hour apart, each user walking the cycle of items
     * i0..i19 from its own start.
     */
    private Path taobaoLog() throws Exception {
        List<String> rows = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            long seconds = 1_700_000_000L + u;
            int k = (7 * u) % 20;
            for (int session = 0; session < 3; session++) {
                for (int click = 0; click < 5; click++) {
                    rows.add("u" + u + ",i" + k + ",c" + (k % 7) + ",pv," + seconds);
                    seconds += 60;
                    k = (k + 1) % 20;
                }
                seconds += 3600; // a break: the next click opens a new session
            }
        }
        Path log = tmp.resolve("UserBehavior.csv");
        Files.write(log, rows);
        return log;
    }

    private static final String[] TINY = {
        "--item-dim",
        "8",
        "--category-dim",
        "4",
        "--brand-dim",
        "2",
        "--shop-dim",
        "2",
        "--user-dim",
        "8",
        "--hidden-size",
        "8",
        "--heads",
        "2",
        "--max-session",
        "6",
        "--max-history",
        "4",
        "--batch-size",
        "16"
    };

    @Test
    void trainsAndExportsALoadableModel() throws Exception {
        Path out = tmp.resolve("model");
        String[] common =
                concat(
                        new String[] {
                            "--log",
                            taobaoLog().toString(),
                            "--preset",
                            "taobao",
                            "--model-version",
                            "v7",
                            "--model",
                            "sdm-short"
                        },
                        TINY);
        Run r = run(concat(common, new String[] {"--epochs", "2", "--output", out.toString()}));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("model exported to " + out);
        ModelMetadata meta = ModelMetadata.read(out.resolve("metadata.json"));
        assertThat(meta.modelVersion()).isEqualTo("v7");
        assertThat(meta.config().longTerm()).isFalse();
        assertThat(meta.metrics()).containsKey("validation_loss");
        try (SdmScorer scorer = SdmScorer.load(out)) {
            assertThat(scorer.dimension()).isEqualTo(8);
            assertThat(scorer.itemIds()).hasSize(20);
        }
        assertThat(tmp.resolve("model.checkpoints/state.json")).isRegularFile();

        // resume with more epochs into a new export
        Run resumed =
                run(
                        concat(
                                common,
                                new String[] {
                                    "--resume",
                                    "--epochs",
                                    "3",
                                    "--output",
                                    tmp.resolve("model2").toString(),
                                    "--checkpoint-dir",
                                    tmp.resolve("model.checkpoints").toString()
                                }));
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("resuming from").contains("epoch 3:");
        assertThat(ModelMetadata.read(tmp.resolve("model2/metadata.json")).epochs()).hasSize(3);
    }

    @Test
    void configFileIsReadAndFlagsOverrideIt() throws Exception {
        Path file = tmp.resolve("sdm.json");
        Files.writeString(
                file,
                "{\"itemEmbeddingDim\": 32, \"hiddenSize\": 32, \"heads\": 2, \"epochs\": 3}");
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd)
                .parseArgs(
                        "--log",
                        "x",
                        "--output",
                        "y",
                        "--config",
                        file.toString(),
                        "--epochs",
                        "5");
        SdmConfig c = cmd.config();
        assertThat(c.hiddenSize()).isEqualTo(32);
        assertThat(c.epochs()).isEqualTo(5);
        assertThat(c.maxSessionLength()).isEqualTo(SdmConfig.DEFAULT.maxSessionLength());
    }

    @Test
    void helpShowsTheConfigsDefaults() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        SdmConfig d = SdmConfig.DEFAULT;
        String help = r.out().replaceAll("\\s+", " "); // as one line, whatever the wrapping
        assertThat(help)
                .contains(
                        "Most epochs (early stopping may end sooner). Default: " + d.epochs() + ".",
                        "Sessions per batch. Default: " + d.batchSize() + ".",
                        "Default: sdm.",
                        "Default: log-uniform.",
                        "Default: auto.")
                .doesNotContain("Default: null");
    }

    @Test
    void theSharedInputFlagsReadTheLog() throws Exception {
        Path out = tmp.resolve("model");
        Run r =
                run(
                        concat(
                                new String[] {
                                    "--input",
                                    taobaoLog().toString(),
                                    "--preset",
                                    "taobao",
                                    "--epochs",
                                    "1",
                                    "--output",
                                    out.toString()
                                },
                                TINY));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("150 clicks, 10 users, 30 sessions");
    }

    @Test
    void misspeltConfigKeyAndBadInputExitWithTwo() throws Exception {
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, "{\"hiddenSzie\": 32}");
        Run r =
                run(
                        "--log",
                        taobaoLog().toString(),
                        "--preset",
                        "taobao",
                        "--output",
                        tmp.resolve("m").toString(),
                        "--config",
                        file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("hiddenSzie");

        Run missing =
                run(
                        "--log",
                        tmp.resolve("absent.csv").toString(),
                        "--preset",
                        "taobao",
                        "--output",
                        tmp.resolve("m").toString());
        assertThat(missing.exit()).isEqualTo(2);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
