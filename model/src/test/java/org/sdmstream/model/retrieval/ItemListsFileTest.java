package org.sdmstream.model.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.ModelDirectory;

class ItemListsFileTest {

    @Test
    void storedListsSearchExactlyAsTheListsTheyWereWrittenFrom(@TempDir Path dir) {
        Random r = new Random(3);
        float[][] items = ItemGraphFileTest.gaussian(r, 30_000, 8);
        float[][] queries = ItemGraphFileTest.gaussian(r, 30, 8);
        int[][] excluded = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            excluded[q] = new int[] {r.nextInt(items.length), r.nextInt(items.length)};
        }
        IvfInnerProductIndex built = IvfInnerProductIndex.forCatalogue(items);
        assertThat(built.maxProbes()).isLessThan(built.lists()); // a capped search, not exact
        Path file = dir.resolve("item_index.ivf");
        ItemListsFile.write(file, built, items);

        IvfInnerProductIndex stored = ItemListsFile.open(file, items);
        assertThat(stored.lists()).isEqualTo(built.lists());
        assertThat(stored.maxProbes()).isEqualTo(built.maxProbes());
        for (int[][] exclusions : new int[][][] {null, excluded}) {
            Hits[] a = built.search(queries, 25, exclusions);
            Hits[] b = stored.search(queries, 25, exclusions);
            for (int q = 0; q < queries.length; q++) {
                assertThat(b[q].items()).containsExactly(a[q].items());
                assertThat(b[q].scores()).containsExactly(a[q].scores());
            }
        }
        assertThat(Files.exists(dir.resolve("item_index.ivf.tmp"))).isFalse();
    }

    @Test
    void refusesAnotherTableAnotherFormatAndDamage(@TempDir Path dir) throws Exception {
        float[][] items = ItemGraphFileTest.gaussian(new Random(4), 2000, 4);
        Path file = dir.resolve("lists");
        ItemListsFile.write(file, IvfInnerProductIndex.forCatalogue(items), items);

        float[][] other = Arrays.stream(items).map(float[]::clone).toArray(float[][]::new);
        other[11][2] += 1e-3f;
        assertThatThrownBy(() -> ItemListsFile.open(file, other))
                .isInstanceOf(StoredIndexRefused.class)
                .hasMessageContaining("belongs to another item table")
                .hasMessageContaining("run sdm index --kind ivf again");

        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> ItemListsFile.open(file, items))
                .isInstanceOf(StoredIndexRefused.class)
                .hasMessageContaining("CRC-32C");

        Path graph = dir.resolve("graph");
        ItemGraphFile.write(graph, new HnswInnerProductIndex(items));
        assertThatThrownBy(() -> ItemListsFile.open(graph, items))
                .isInstanceOf(StoredIndexRefused.class)
                .hasMessageContaining("not stored lists of this format");
    }

    @Test
    void loadReadsStoredListsOfItsTableAndRebuildsStaleOnesWithAWarning(@TempDir Path dir) {
        List<String> ids = IntStream.range(0, 3000).mapToObj(i -> "i" + i).toList();
        float[][] table = modelWithStoredLists(dir, ids, new Random(21), 8);

        ItemIndex stored = ItemIndex.load(dir, IndexKind.IVF);
        assertThat(stored.origin()).isEqualTo("stored lists item_index.ivf");
        assertThat(stored.warning()).isNull();
        assertThat(ItemIndex.load(dir, IndexKind.HNSW).origin())
                .as("HNSW never reads the lists")
                .isEqualTo("graph built in memory");

        float[][] retrained = Arrays.stream(table).map(float[]::clone).toArray(float[][]::new);
        retrained[7][0] += 1f;
        ItemEmbeddingsFile.write(dir.resolve(ItemEmbeddingsFile.FILE_NAME), ids, retrained);
        ItemIndex rebuilt = ItemIndex.load(dir, IndexKind.IVF);
        assertThat(rebuilt.origin()).isEqualTo("inverted lists built in memory");
        assertThat(rebuilt.warning())
                .contains("belongs to another item table")
                .endsWith("building the lists in memory instead");
    }

    @Test
    void autoAboveTheCrossoverReadsTheStoredLists(@TempDir Path dir) {
        List<String> ids =
                IntStream.rangeClosed(0, IndexKind.EXACT_MAX_ITEMS).mapToObj(i -> "i" + i).toList();
        modelWithStoredLists(dir, ids, new Random(5), 4);

        ItemIndex auto = ItemIndex.load(dir, IndexKind.AUTO);
        assertThat(auto.kind()).isEqualTo(IndexKind.IVF);
        assertThat(auto.origin()).isEqualTo("stored lists item_index.ivf");
        assertThat(auto.warning()).isNull();
    }

    /**
     * Writes a Gaussian item table of {@code ids} into {@code dir} and its lists as {@code sdm
     * index} stores them; returns the table as read back.
     */
    private static float[][] modelWithStoredLists(
            Path dir, List<String> ids, Random r, int dimension) {
        float[][] vectors = ItemGraphFileTest.gaussian(r, ids.size(), dimension);
        ItemEmbeddingsFile.write(dir.resolve(ItemEmbeddingsFile.FILE_NAME), ids, vectors);
        float[][] table =
                ItemEmbeddingsFile.read(dir.resolve(ItemEmbeddingsFile.FILE_NAME)).vectors();
        ItemListsFile.write(
                new ModelDirectory(dir).itemLists(),
                IvfInnerProductIndex.forCatalogue(table),
                table);
        return table;
    }
}
