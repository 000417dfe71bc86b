package org.sdmstream.model.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemGraphFileTest {

    static float[][] gaussian(Random r, int n, int d) {
        float[][] m = new float[n][d];
        for (float[] row : m) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return m;
    }

    @Test
    void aStoredGraphSearchesExactlyAsTheGraphItWasWrittenFrom(@TempDir Path dir) {
        Random r = new Random(3);
        float[][] items = gaussian(r, 3000, 12);
        float[][] queries = gaussian(r, 40, 12);
        int[][] excluded = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            excluded[q] = new int[] {r.nextInt(items.length), r.nextInt(items.length)};
        }
        HnswSettings settings = new HnswSettings(8, 60, 40);
        HnswInnerProductIndex built = new HnswInnerProductIndex(items, settings);
        Path file = dir.resolve("item_index.hnsw");
        ItemGraphFile.write(file, built);

        HnswInnerProductIndex stored = ItemGraphFile.open(file, items, settings);
        assertThat(stored.bytes()).isEqualTo(built.bytes());
        for (int[][] exclusions : new int[][][] {null, excluded}) {
            Hits[] a = built.search(queries, 25, exclusions);
            Hits[] b = stored.search(queries, 25, exclusions);
            for (int q = 0; q < queries.length; q++) {
                assertThat(b[q].items()).containsExactly(a[q].items());
                assertThat(b[q].scores()).containsExactly(a[q].scores());
            }
        }
        assertThat(Files.exists(dir.resolve("item_index.hnsw.tmp"))).isFalse();
    }

    @Test
    void theSearchBeamIsTheReadersAndTheGraphSettingsMustMatch(@TempDir Path dir) {
        float[][] items = gaussian(new Random(5), 500, 4);
        Path file = dir.resolve("g");
        ItemGraphFile.write(file, new HnswInnerProductIndex(items));
        assertThat(
                        ItemGraphFile.open(file, items, HnswSettings.DEFAULTS.withSearchBeam(37))
                                .settings()
                                .searchBeam())
                .isEqualTo(37);
        assertThatThrownBy(() -> ItemGraphFile.open(file, items, new HnswSettings(32, 100, 200)))
                .isInstanceOf(StoredIndexRefused.class)
                .hasMessageContaining("was built with M 16, build beam 100")
                .hasMessageContaining("ask for M 32, build beam 100")
                .hasMessageContaining("run sdm index");
    }

    @Test
    void aGraphOfAnotherItemTableIsRefusedWithWhatToDo(@TempDir Path dir) {
        float[][] items = gaussian(new Random(6), 500, 4);
        Path file = dir.resolve("g");
        ItemGraphFile.write(file, new HnswInnerProductIndex(items));
        float[][] retrained = Arrays.stream(items).map(float[]::clone).toArray(float[][]::new);
        retrained[250][2] = Math.nextUp(retrained[250][2]);
        assertThatThrownBy(() -> ItemGraphFile.open(file, retrained, HnswSettings.DEFAULTS))
                .isInstanceOf(StoredIndexRefused.class)
                .hasMessageContaining("belongs to another item table (500 x 4")
                .hasMessageContaining("run sdm index --kind hnsw again");
        assertThatThrownBy(
                        () ->
                                ItemGraphFile.open(
                                        file, Arrays.copyOf(items, 499), HnswSettings.DEFAULTS))
                .hasMessageContaining("the model's table is 499 x 4");
    }

    @Test
    void aDamagedOrForeignFileIsRefused(@TempDir Path dir) throws Exception {
        float[][] items = gaussian(new Random(7), 500, 4);
        Path file = dir.resolve("g");
        ItemGraphFile.write(file, new HnswInnerProductIndex(items));
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(raw.length() - 3);
            int b = raw.read();
            raw.seek(raw.length() - 3);
            raw.write(b ^ 0x10);
        }
        assertThatThrownBy(() -> ItemGraphFile.open(file, items, HnswSettings.DEFAULTS))
                .hasMessageContaining("is damaged (CRC-32C mismatch)");

        ItemGraphFile.write(file, new HnswInnerProductIndex(items));
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.setLength(raw.length() - 8);
        }
        assertThatThrownBy(() -> ItemGraphFile.open(file, items, HnswSettings.DEFAULTS))
                .isInstanceOf(StoredIndexRefused.class)
                .hasMessageContaining("is damaged");

        Files.writeString(file, "m1\t0.5\t0.25\n".repeat(20)); // a table, not a graph
        assertThatThrownBy(() -> ItemGraphFile.open(file, items, HnswSettings.DEFAULTS))
                .hasMessageContaining("is not a stored graph of this format");
        Files.writeString(file, "short");
        assertThatThrownBy(() -> ItemGraphFile.open(file, items, HnswSettings.DEFAULTS))
                .hasMessageContaining("too short");
    }

    @Test
    void anEmptyTableRoundTrips(@TempDir Path dir) {
        Path file = dir.resolve("g");
        ItemGraphFile.write(file, new HnswInnerProductIndex(new float[0][]));
        assertThat(
                        ItemGraphFile.open(file, new float[0][], HnswSettings.DEFAULTS)
                                .search(new float[][] {{1f}}, 3, null)[0]
                                .size())
                .isZero();
    }
}
