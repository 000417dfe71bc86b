package org.sdmstream.model.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.ModelDirectory;

class ItemIndexTest {

    static final List<String> IDS = List.of("a", "b", "c", "d");
    static final float[][] VECTORS = {{1, 0}, {0, 1}, {1, 1}, {-1, 0}};

    @Test
    void ranksItemIdsByInnerProductWithScores() {
        ItemIndex index = ItemIndex.of(IDS, VECTORS, IndexKind.AUTO, "v1");
        List<ItemIndex.TopItems> top = index.topK(new float[][] {{2, 1}, {0, 1}}, 2, null);
        assertThat(top.get(0).itemIds()).containsExactly("c", "a");
        assertThat(top.get(0).scores()).containsExactly(3f, 2f);
        assertThat(top.get(1).itemIds()).containsExactly("b", "c");
        assertThat(index.kind()).isEqualTo(IndexKind.EXACT);
        assertThat(index.modelVersion()).isEqualTo("v1");
    }

    @Test
    void excludedIdsNeverComeBackAndUnknownOnesAreIgnored() {
        ItemIndex index = ItemIndex.of(IDS, VECTORS, IndexKind.EXACT, null);
        List<ItemIndex.TopItems> top =
                index.topK(new float[][] {{2, 1}}, 3, List.of(Set.of("c", "not-an-item")));
        assertThat(top.get(0).itemIds()).containsExactly("a", "b", "d");
    }

    @Test
    void exactAndHnswAgreeOnASmallTable() {
        ItemIndex exact = ItemIndex.of(IDS, VECTORS, IndexKind.EXACT, null);
        ItemIndex hnsw = ItemIndex.of(IDS, VECTORS, IndexKind.HNSW, null);
        float[][] users = {{2, 1}, {-1, 3}};
        assertThat(hnsw.kind()).isEqualTo(IndexKind.HNSW);
        for (int u = 0; u < users.length; u++) {
            assertThat(hnsw.topK(users, 4, null).get(u).itemIds())
                    .isEqualTo(exact.topK(users, 4, null).get(u).itemIds());
            assertThat(hnsw.topK(users, 4, null).get(u).scores())
                    .containsExactly(exact.topK(users, 4, null).get(u).scores());
        }
    }

    @Test
    void autoIsExactUpToTheCrossoverAndInvertedListsAbove() {
        assertThat(IndexKind.AUTO.resolve(IndexKind.EXACT_MAX_ITEMS)).isEqualTo(IndexKind.EXACT);
        assertThat(IndexKind.AUTO.resolve(IndexKind.EXACT_MAX_ITEMS + 1)).isEqualTo(IndexKind.IVF);
        assertThat(IndexKind.HNSW.resolve(IndexKind.EXACT_MAX_ITEMS + 1)).isEqualTo(IndexKind.HNSW);
        assertThat(IndexKind.EXACT.resolve(10_000_000)).isEqualTo(IndexKind.EXACT);
        assertThat(IndexKind.parse("HNSW")).isEqualTo(IndexKind.HNSW);
        assertThat(IndexKind.parse("ivf")).isEqualTo(IndexKind.IVF);
        assertThatThrownBy(() -> IndexKind.parse("faiss"))
                .hasMessageContaining("auto, exact, hnsw or ivf");
    }

    @Test
    void loadsTheExportedItemTableAndRefusesAMismatch(@TempDir Path dir) {
        ItemEmbeddingsFile.write(dir.resolve(ItemEmbeddingsFile.FILE_NAME), IDS, VECTORS);
        ItemIndex index = ItemIndex.load(dir, IndexKind.AUTO);
        assertThat(index.size()).isEqualTo(4);
        assertThat(index.modelVersion()).isNull();
        assertThatThrownBy(
                        () ->
                                ItemIndex.of(
                                        List.of("a", "a"),
                                        new float[][] {{1}, {2}},
                                        IndexKind.EXACT,
                                        null))
                .hasMessageContaining("1 distinct item ids but has 2");
        assertThatThrownBy(() -> ItemIndex.load(dir.resolve("none"), IndexKind.AUTO))
                .hasMessageContaining(ItemEmbeddingsFile.FILE_NAME);
    }

    @Test
    void loadMapsAStoredGraphOfItsTableAndRebuildsAStaleOneWithAWarning(@TempDir Path dir)
            throws Exception {
        Random r = new Random(21);
        float[][] vectors = ItemGraphFileTest.gaussian(r, 2000, 8);
        List<String> ids = IntStream.range(0, vectors.length).mapToObj(i -> "i" + i).toList();
        float[][] users = ItemGraphFileTest.gaussian(r, 30, 8);
        ItemEmbeddingsFile.write(dir.resolve(ItemEmbeddingsFile.FILE_NAME), ids, vectors);
        // What the table file holds after its text round trip, as load reads it.
        float[][] table =
                ItemEmbeddingsFile.read(dir.resolve(ItemEmbeddingsFile.FILE_NAME)).vectors();
        List<ItemIndex.TopItems> fresh =
                ItemIndex.of(ids, table, IndexKind.HNSW, null).topK(users, 20, null);
        ItemGraphFile.write(new ModelDirectory(dir).itemIndex(), new HnswInnerProductIndex(table));

        ItemIndex stored = ItemIndex.load(dir, IndexKind.HNSW);
        assertThat(stored.origin()).isEqualTo("stored graph item_index.hnsw");
        assertThat(stored.warning()).isNull();
        assertSameHits(stored.topK(users, 20, null), fresh);
        assertThat(ItemIndex.load(dir, IndexKind.EXACT).origin())
                .as("exact never reads the graph")
                .isEqualTo("exact scan");

        float[][] retrained = Arrays.stream(table).map(float[]::clone).toArray(float[][]::new);
        retrained[7][0] += 1f;
        ItemEmbeddingsFile.write(dir.resolve(ItemEmbeddingsFile.FILE_NAME), ids, retrained);
        ItemIndex rebuilt = ItemIndex.load(dir, IndexKind.HNSW);
        assertThat(rebuilt.origin()).isEqualTo("graph built in memory");
        assertThat(rebuilt.warning())
                .contains("belongs to another item table")
                .contains("run sdm index --kind hnsw again")
                .endsWith("building the graph in memory instead");
        assertSameHits(
                rebuilt.topK(users, 20, null),
                ItemIndex.of(
                                ids,
                                ItemEmbeddingsFile.read(dir.resolve(ItemEmbeddingsFile.FILE_NAME))
                                        .vectors(),
                                IndexKind.HNSW,
                                null)
                        .topK(users, 20, null));
    }

    private static void assertSameHits(
            List<ItemIndex.TopItems> actual, List<ItemIndex.TopItems> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int u = 0; u < actual.size(); u++) {
            assertThat(actual.get(u).itemIds()).isEqualTo(expected.get(u).itemIds());
            assertThat(actual.get(u).scores()).containsExactly(expected.get(u).scores());
        }
    }
}
