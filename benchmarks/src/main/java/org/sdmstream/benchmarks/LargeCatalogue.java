package org.sdmstream.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.ModelDirectory;
import org.sdmstream.model.export.ModelFiles;
import org.sdmstream.model.export.ModelMetadata;

/**
 * A copy of an exported model whose item table is grown to a large catalogue, for measuring top-K
 * through the job over a million items (docs/benchmarks.md) without training a million-item model:
 * the scorer still scores with the model's own items and weights, only retrieval searches the grown
 * table.
 *
 * <p>Rows below the model's item count are the model's own. Every further row is one of the model's
 * items, drawn at random, plus Gaussian noise of {@link #SPREAD} times the table's per-component
 * standard deviation: the catalogue keeps the trained table's structure (items gather around
 * trained items, as a larger catalogue gathers by genre and series) and its scale, so the job's
 * user vectors meet it as they meet the real table. The new ids ({@code gen-<n>}) are never one of
 * the model's. The copy's {@code metadata.json} records the new files' hashes (the scorer checks
 * them at load) and a model version ending in {@code -catalogue-<items>}; a stored graph or stored
 * lists of the source are not copied (store them for the new table with {@code sdm index}).
 *
 * <pre>
 * java -cp $CP org.sdmstream.benchmarks.LargeCatalogue --model DIR --items 1000000 --out DIR [--seed 42]
 * </pre>
 */
public final class LargeCatalogue {

    /** Noise around a drawn item, as a fraction of the table's per-component standard deviation. */
    static final double SPREAD = 0.35;

    private LargeCatalogue() {}

    public static void main(String[] args) {
        Map<String, String> a = Arguments.parse(args);
        if (!a.containsKey("model") || !a.containsKey("out") || !a.containsKey("items")) {
            throw new IllegalArgumentException(
                    "usage: LargeCatalogue --model DIR --items N --out DIR [--seed 42]");
        }
        long started = System.nanoTime();
        Path out =
                grow(
                        Path.of(a.get("model")),
                        Integer.parseInt(a.get("items")),
                        Path.of(a.get("out")),
                        Long.parseLong(a.getOrDefault("seed", "42")));
        System.out.printf(
                "wrote %s (%,d items) in %.1f s%n",
                out, Integer.parseInt(a.get("items")), (System.nanoTime() - started) / 1e9);
    }

    /**
     * Copies {@code model} to {@code out} (which must not exist) with its item table grown to
     * {@code items} rows; returns {@code out}.
     */
    static Path grow(Path model, int items, Path out, long seed) {
        ModelDirectory source = new ModelDirectory(model);
        ModelMetadata metadata = ModelMetadata.read(source.metadata());
        ItemEmbeddingsFile.ItemEmbeddings table = ItemEmbeddingsFile.read(source.itemEmbeddings());
        int own = table.vectors().length;
        if (items < own) {
            throw new IllegalArgumentException(
                    "--items " + items + " is below the model's own " + own + " items");
        }
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " exists; give a new directory");
        }
        copyAllBut(
                model,
                out,
                Set.of(
                        source.itemEmbeddings(),
                        source.itemIndex(),
                        source.itemLists(),
                        source.metadata()));

        List<String> ids = new ArrayList<>(table.ids());
        float[][] vectors = new float[items][];
        System.arraycopy(table.vectors(), 0, vectors, 0, own);
        float[] noise = spread(table.vectors());
        Set<String> taken = new HashSet<>(ids);
        Random random = new Random(seed);
        for (int i = own, n = 0; i < items; i++) {
            String id;
            do {
                id = "gen-" + n++;
            } while (taken.contains(id));
            ids.add(id);
            float[] base = table.vectors()[random.nextInt(own)];
            float[] row = new float[base.length];
            for (int j = 0; j < row.length; j++) {
                row[j] = base[j] + (float) (noise[j] * random.nextGaussian());
            }
            vectors[i] = row;
        }
        ModelDirectory grown = new ModelDirectory(out);
        ItemEmbeddingsFile.write(grown.itemEmbeddings(), ids, vectors);

        Map<String, String> files = ModelFiles.hashes(out);
        new ModelMetadata(
                        metadata.formatVersion(),
                        metadata.modelName(),
                        metadata.modelVersion() + "-catalogue-" + items,
                        metadata.createdAt(),
                        metadata.trainingData(),
                        metadata.maxSessionLength(),
                        metadata.maxHistoryLength(),
                        metadata.profileSlots(),
                        metadata.vectorSize(),
                        metadata.metrics(),
                        metadata.config(),
                        metadata.epochs(),
                        ModelFiles.contentHash(files),
                        files)
                .write(grown.metadata());
        return out;
    }

    /** {@link #SPREAD} times each component's standard deviation over the table. */
    private static float[] spread(float[][] rows) {
        int d = rows[0].length;
        double[] sum = new double[d];
        double[] squares = new double[d];
        for (float[] row : rows) {
            for (int j = 0; j < d; j++) {
                sum[j] += row[j];
                squares[j] += (double) row[j] * row[j];
            }
        }
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            double mean = sum[j] / rows.length;
            double variance = Math.max(0, squares[j] / rows.length - mean * mean);
            out[j] = (float) (SPREAD * Math.sqrt(variance));
        }
        return out;
    }

    private static void copyAllBut(Path from, Path to, Set<Path> skipped) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path path : walk.toList()) {
                if (skipped.contains(path)) {
                    continue;
                }
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }
}
