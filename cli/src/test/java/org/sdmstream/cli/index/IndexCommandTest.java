package org.sdmstream.cli.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.cli.CommandRun;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.ModelDirectory;
import org.sdmstream.model.retrieval.IndexKind;
import org.sdmstream.model.retrieval.ItemIndex;

class IndexCommandTest {

    private static void writeTable(Path dir, long seed) {
        Random r = new Random(seed);
        float[][] vectors = new float[300][6];
        for (float[] row : vectors) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        List<String> ids = IntStream.range(0, vectors.length).mapToObj(i -> "m" + i).toList();
        ItemEmbeddingsFile.write(dir.resolve(ItemEmbeddingsFile.FILE_NAME), ids, vectors);
    }

    @Test
    void storesTheGraphOnceAndRebuildsItWhenTheTableChanged(@TempDir Path dir) {
        writeTable(dir, 1);
        CommandRun first = CommandRun.sdm("index", "--kind", "hnsw", "--model", dir.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err())
                .contains("stored the HNSW graph (M 16, build beam 100) of 300 items");
        assertThat(Files.isRegularFile(new ModelDirectory(dir).itemIndex())).isTrue();
        assertThat(ItemIndex.load(dir, IndexKind.HNSW).origin())
                .isEqualTo("stored graph item_index.hnsw");

        CommandRun again = CommandRun.sdm("index", "--kind", "hnsw", "--model", dir.toString());
        assertThat(again.err()).contains("is up to date").doesNotContain("stored the HNSW graph");

        writeTable(dir, 2);
        CommandRun stale = CommandRun.sdm("index", "--kind", "hnsw", "--model", dir.toString());
        assertThat(stale.exitCode()).isZero();
        assertThat(stale.err())
                .contains("belongs to another item table")
                .contains("building it again")
                .contains("stored the HNSW graph");
        assertThat(ItemIndex.load(dir, IndexKind.HNSW).warning()).isNull();

        CommandRun other =
                CommandRun.sdm(
                        "index",
                        "--kind",
                        "hnsw",
                        "--model",
                        dir.toString(),
                        "--max-connections",
                        "8");
        assertThat(other.err()).contains("was built with M 16").contains("(M 8, build beam 100)");
    }

    @Test
    void byDefaultItStoresTheInvertedListsThatRetrievalIndexAutoAndIvfRead(@TempDir Path dir) {
        writeTable(dir, 3);
        CommandRun first = CommandRun.sdm("index", "--model", dir.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err())
                .contains("stored the inverted lists")
                .contains("of 300 items")
                .contains("at 300 items retrieval.index=auto scans exactly");
        assertThat(Files.isRegularFile(new ModelDirectory(dir).itemLists())).isTrue();
        assertThat(Files.exists(new ModelDirectory(dir).itemIndex())).isFalse();
        assertThat(ItemIndex.load(dir, IndexKind.IVF).origin())
                .isEqualTo("stored lists item_index.ivf");

        CommandRun again = CommandRun.sdm("index", "--kind", "ivf", "--model", dir.toString());
        assertThat(again.err()).contains("is up to date").doesNotContain("stored the inverted");

        CommandRun wrong = CommandRun.sdm("index", "--kind", "faiss", "--model", dir.toString());
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("--kind must be ivf or hnsw");
        CommandRun graphOption =
                CommandRun.sdm("index", "--model", dir.toString(), "--max-connections", "8");
        assertThat(graphOption.exitCode()).isEqualTo(2);
        assertThat(graphOption.err()).contains("give them with --kind hnsw");
    }

    @Test
    void badSettingsAreAUsageErrorAndAMissingTableARuntimeError(@TempDir Path dir) {
        CommandRun bad =
                CommandRun.sdm(
                        "index", "--kind", "hnsw", "--model", dir.toString(), "--build-beam", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("build beam must be between 1 and 3200");
        CommandRun none = CommandRun.sdm("index", "--model", dir.toString());
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("has no item_embeddings.tsv");
    }
}
