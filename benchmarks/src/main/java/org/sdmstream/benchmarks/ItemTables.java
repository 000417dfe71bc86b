package org.sdmstream.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.sdmstream.model.export.ItemEmbeddingsFile;

/**
 * Item tables and user vectors to search them with, for the retrieval benchmarks: {@code gaussian}
 * (every component N(0, 1): no structure at all, HNSW's hardest case), {@code clustered} (items
 * around {@link #CENTRES} centres, as a trained model's items gather by genre or category), or a
 * model's own {@code item_embeddings.tsv}.
 */
final class ItemTables {

    /** Centres of a clustered table: a few hundred, like the genres and series of a catalogue. */
    static final int CENTRES = 300;

    /** Spread of a clustered item around its centre, per component (centres spread by 1). */
    static final double CLUSTER_SPREAD = 0.35;

    /** Items behind one query vector of a model's table. */
    static final int CLICKS_PER_QUERY = 5;

    /** Width of generated tables, the model's default vector size. */
    static final int DIMENSION = 64;

    private ItemTables() {}

    /** A table and the queries that go with it. */
    record Workload(String name, float[][] items, float[][] queries) {}

    /**
     * {@code table} = {@code gaussian}, {@code clustered} or a path to an {@code
     * item_embeddings.tsv}; {@code items} rows when generated; {@code queries} user vectors, drawn
     * like the items (around the same centres when clustered), or for a model's table the mean of
     * {@link #CLICKS_PER_QUERY} of its items, a user who clicked them.
     */
    static Workload of(String table, int items, int queries, long seed) {
        Random random = new Random(seed);
        switch (table) {
            case "gaussian":
                float[][] rows = gaussian(random, items, DIMENSION);
                return new Workload(table, rows, gaussian(random, queries, DIMENSION));
            case "clustered":
                float[][] centres = gaussian(random, CENTRES, DIMENSION);
                return new Workload(
                        table,
                        aroundCentres(random, centres, items),
                        aroundCentres(random, centres, queries));
            default:
                Path file = Path.of(table);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException(
                            "table must be gaussian, clustered or an item_embeddings.tsv, got "
                                    + table);
                }
                float[][] model = ItemEmbeddingsFile.read(file).vectors();
                return new Workload(file.toString(), model, meansOfItems(random, model, queries));
        }
    }

    static float[][] gaussian(Random r, int n, int d) {
        float[][] m = new float[n][d];
        for (float[] row : m) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return m;
    }

    private static float[][] meansOfItems(Random r, float[][] items, int n) {
        int d = items[0].length;
        float[][] m = new float[n][d];
        for (float[] row : m) {
            for (int c = 0; c < CLICKS_PER_QUERY; c++) {
                float[] item = items[r.nextInt(items.length)];
                for (int j = 0; j < d; j++) {
                    row[j] += item[j] / CLICKS_PER_QUERY;
                }
            }
        }
        return m;
    }

    private static float[][] aroundCentres(Random r, float[][] centres, int n) {
        int d = centres[0].length;
        float[][] m = new float[n][d];
        for (float[] row : m) {
            float[] centre = centres[r.nextInt(centres.length)];
            for (int j = 0; j < d; j++) {
                row[j] = centre[j] + (float) (CLUSTER_SPREAD * r.nextGaussian());
            }
        }
        return m;
    }
}
