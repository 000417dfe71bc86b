package org.sdmstream.cli.split;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.cli.CommandRun;

class SplitCommandTest {

    @TempDir Path dir;

    /** A RecBole data set: user 1 clicks 10, 11, 12, 13 a minute apart; user 2 one click. */
    private Path tinyDataset() throws Exception {
        Path data = Files.createDirectories(dir.resolve("tiny"));
        Files.write(
                data.resolve("tiny.inter"),
                List.of(
                        "user_id:token\titem_id:token\trating:float\ttimestamp:float",
                        "1\t12\t5\t1000120",
                        "1\t10\t5\t1000000",
                        "2\t10\t5\t1000000",
                        "1\t11\t5\t1000060",
                        "1\t13\t5\t1000180"));
        return data;
    }

    @Test
    void writesTheSplitOfSdmEvaluateForPeerModels() throws Exception {
        Path out = dir.resolve("split");
        CommandRun run =
                CommandRun.sdm(
                        "split",
                        "--dataset-dir",
                        tinyDataset().toString(),
                        "--validation",
                        "--out",
                        out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("1 users evaluated, 1 skipped", "1 validation cases");
        assertThat(Files.readAllLines(out.resolve("test.tsv")))
                .containsExactly("user_id\theld_out_items\tprior_items", "1\t13\t10 11 12");
        assertThat(Files.readAllLines(out.resolve("validation.tsv")))
                .containsExactly("user_id\theld_out_items\tprior_items", "1\t12\t10 11");
        assertThat(Files.readAllLines(out.resolve("train.tsv")))
                .extracting(l -> l.split("\t")[0] + ":" + l.split("\t")[1])
                .containsExactly("user_id:item_id", "1:10", "1:11", "2:10");
        JsonNode protocol = new ObjectMapper().readTree(out.resolve("split.json").toFile());
        assertThat(protocol.get("clicks").asInt()).isEqualTo(5);
        assertThat(protocol.get("trainingClicks").asInt()).isEqualTo(3);
        assertThat(protocol.get("candidateItems").asInt()).isEqualTo(2);
    }

    @Test
    void aMissingDataSetIsReportedWithExitCode2() {
        CommandRun run = CommandRun.sdm("split", "--dataset-dir", dir.resolve("none").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("split:", "does not exist");
    }
}
