package org.sdmstream.cli.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.eval.ItemCoOccurrenceRecommender;
import picocli.CommandLine;

class EvaluateCommandITCase {

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /**
     * A RecBole data set of 30 users who each click items 1..6 of their own cycle in order, one a
     * minute.
     */
    private Path tinyDataset() throws Exception {
        Path data = Files.createDirectories(dir.resolve("tiny"));
        List<String> lines = new ArrayList<>();
        lines.add("user_id:token\titem_id:token\trating:float\ttimestamp:float");
        for (int u = 0; u < 30; u++) {
            for (int step = 0; step < 6; step++) {
                lines.add(u + "\t" + ((u + step) % 8) + "\t5\t" + (1_000_000 + 60 * step));
            }
        }
        lines.add("99\t1\t5\t1000000"); // a user with one click: skipped
        Files.write(data.resolve("tiny.inter"), lines);
        return data;
    }

    private int run(String... args) {
        CommandLine cmd = new CommandLine(new EvaluateCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void evaluatesTheBaselinesAndWritesTheThreeReports() throws Exception {
        Path data = tinyDataset();
        Path results = dir.resolve("results");
        int code =
                run(
                        "--dataset-dir",
                        data.toString(),
                        "--models",
                        "itemcf,popular",
                        "--k",
                        "1,5",
                        "--exclude-seen",
                        "--itemcf-window",
                        "1",
                        "--itemcf-recent",
                        "1",
                        "--out",
                        results.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(results.resolve("results.md")).exists();
        assertThat(results.resolve("results.svg")).exists();
        JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        assertThat(json.at("/protocol/evaluatedUsers").asInt()).isEqualTo(30);
        assertThat(json.at("/protocol/skippedUsers").asInt()).isEqualTo(1);
        assertThat(json.at("/models/0/name").asText()).isEqualTo("itemcf");
        assertThat(json.at("/models/1/name").asText()).isEqualTo("popular");
        // the item after the last click in the shared cycle co-occurs with it in other users'
        // training clicks,
        // and the one before it is excluded as seen: item-CF finds the label at rank 1 for everyone
        assertThat(json.at("/protocol/excludeSeen").asBoolean()).isTrue();
        assertThat(json.at("/models/0/metrics/1/hitRate").asDouble()).isEqualTo(1.0);
        assertThat(out.toString()).contains("| itemcf | 1 | 1.0000 |", "| popular | 5 |");
        assertThat(err.toString()).contains("30 users evaluated, 1 skipped");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        EvaluateCommand command = new EvaluateCommand();
        new CommandLine(command).parseArgs("--dataset-dir", "x");
        assertThat(command.settings().itemCf())
                .isEqualTo(ItemCoOccurrenceRecommender.Config.DEFAULT);
        assertThat(command.ks).containsExactly(20, 50, 100);
        assertThat(command.models)
                .containsExactly("popular", "itemcf", "youtubednn", "sdm-short", "sdm");
        assertThat(command.settings().neural().epochs()).isEqualTo(20);
        assertThat(command.settings().neural().dropout()).isEqualTo(0.4f);
        assertThat(command.settings().neural().weightDecay()).isEqualTo(1f);
        assertThat(command.settings().neural().sharedItemTable()).isFalse();
        assertThat(command.excludeSeen).isFalse();
    }

    @Test
    void trainsAndEvaluatesTheNeuralModelsThroughTheSameHarness() throws Exception {
        Path results = dir.resolve("neural");
        int code =
                run(
                        "--dataset-dir",
                        tinyDataset().toString(),
                        "--models",
                        "youtubednn,sdm-short,sdm",
                        "--epochs",
                        "2",
                        "--threads",
                        "1",
                        "--k",
                        "1,5",
                        "--seed",
                        "7",
                        "--out",
                        results.toString());

        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        assertThat(json.at("/models")).hasSize(3);
        assertThat(json.at("/models/0/name").asText()).isEqualTo("youtubednn");
        assertThat(json.at("/models/2/name").asText()).isEqualTo("sdm");
        for (JsonNode model : json.at("/models")) {
            assertThat(model.at("/metrics/5/users").asInt()).isEqualTo(30);
            assertThat(model.at("/metrics/5/hitRate").asDouble()).isBetween(0.0, 1.0);
            assertThat(model.at("/trainSeconds").asDouble()).isPositive();
        }
        assertThat(err.toString()).contains("epoch 2:");
    }

    @Test
    void helpShowsTheConfigsDefaults() {
        assertThat(run("--help")).isZero();
        String help = out.toString().replaceAll("\\s+", " "); // as one line, whatever the wrapping
        assertThat(help)
                .contains(
                        "Default: the config's, else " + SdmConfig.DEFAULT.epochs() + ".",
                        "(overrides the config's). Default: " + SdmConfig.DEFAULT.seed() + ".")
                .doesNotContain("Default: null");
    }

    @Test
    void aConfigFileSetsTheNeuralModelsBaseAndFlagsOverrideIt() throws Exception {
        Path config = dir.resolve("sdm.json");
        Files.writeString(
                config,
                "{\"itemEmbeddingDim\": 32, \"hiddenSize\": 32, \"heads\": 2, \"epochs\": 3, \"seed\": 5}");
        EvaluateCommand command = new EvaluateCommand();
        new CommandLine(command).parseArgs("--dataset-dir", "x", "--config", config.toString());
        assertThat(command.settings().neural().hiddenSize()).isEqualTo(32);
        assertThat(command.settings().neural().epochs()).isEqualTo(3);
        assertThat(command.settings().neural().seed())
                .isEqualTo(42); // --seed's default is the run's seed

        new CommandLine(command)
                .parseArgs("--dataset-dir", "x", "--config", config.toString(), "--epochs", "7");
        assertThat(command.settings().neural().epochs()).isEqualTo(7);
    }

    @Test
    void aMissingConfigFileIsAUsageError() throws Exception {
        assertThat(
                        run(
                                "--dataset-dir",
                                tinyDataset().toString(),
                                "--config",
                                dir.resolve("nope.json").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("nope.json");
    }

    @Test
    void badEpochsAreRefused() throws Exception {
        assertThat(run("--dataset-dir", tinyDataset().toString(), "--epochs", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("epochs must be >= 1");
    }

    @Test
    void unknownModelsAreRefusedBeforeAnyWork() throws Exception {
        int code = run("--dataset-dir", tinyDataset().toString(), "--models", "popular,nosuch");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .contains(
                        "unknown model(s) [nosuch]",
                        "known: popular,itemcf,youtubednn,sdm-short,sdm");
    }

    @Test
    void aMissingDatasetIsAClearError() {
        int code =
                run(
                        "--dataset-dir",
                        dir.resolve("absent").toString(),
                        "--out",
                        dir.resolve("o").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("does not exist");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void badCutOffsAreRefused() throws Exception {
        assertThat(run("--dataset-dir", tinyDataset().toString(), "--k", "0,5")).isEqualTo(2);
        assertThat(err.toString()).contains("cut-offs must be >= 1");
    }
}
