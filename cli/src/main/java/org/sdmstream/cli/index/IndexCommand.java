package org.sdmstream.cli.index;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.ModelDirectory;
import org.sdmstream.model.retrieval.HnswInnerProductIndex;
import org.sdmstream.model.retrieval.HnswSettings;
import org.sdmstream.model.retrieval.IndexKind;
import org.sdmstream.model.retrieval.ItemGraphFile;
import org.sdmstream.model.retrieval.ItemListsFile;
import org.sdmstream.model.retrieval.IvfInnerProductIndex;
import org.sdmstream.model.retrieval.StoredIndexRefused;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sdm index}: builds the search structure of an exported model's item table once and stores
 * it in the model directory: the inverted lists that {@code retrieval.index=auto} (above the exact
 * crossover) and {@code ivf} search ({@code item_index.ivf}, {@link ItemListsFile}), or with {@code
 * --kind hnsw} the HNSW graph ({@code item_index.hnsw}, {@link ItemGraphFile}). The job, {@code sdm
 * recommend} and the demo then read it at model load instead of building it: a TaskManager restart
 * does not wait a minute (lists) or half an hour (graph) for a million-item catalogue.
 */
@Command(
        name = "index",
        sortOptions = false,
        description = {
            "Builds the inverted lists of a model's item_embeddings.tsv (retrieval.index=ivf, and auto above the",
            "exact crossover) and stores them in the model directory as item_index.ivf; with --kind hnsw, the HNSW",
            "graph of retrieval.index=hnsw as item_index.hnsw. The job, sdm recommend and the demo then read it at",
            "load instead of building it, when it matches the table (and for the graph the",
            "retrieval.hnsw.max-connections / build-beam they use); a stale one is refused and rebuilt in memory."
        },
        mixinStandardHelpOptions = true)
public final class IndexCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin CommonOptions console;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            required = true,
            order = 30,
            description = "Exported model directory (sdm train --output).")
    Path model;

    @Option(
            names = "--kind",
            paramLabel = "KIND",
            defaultValue = "ivf",
            order = 34,
            description =
                    "ivf: the inverted lists of retrieval.index=ivf and auto, stored as item_index.ivf; hnsw: the "
                            + "HNSW graph, stored as item_index.hnsw (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(
            names = "--max-connections",
            paramLabel = "M",
            defaultValue = "16",
            order = 31,
            description =
                    "Neighbours per item, as retrieval.hnsw.max-connections (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--build-beam",
            paramLabel = "N",
            defaultValue = "100",
            order = 32,
            description =
                    "Candidates kept while inserting an item, as retrieval.hnsw.build-beam (default: ${DEFAULT-VALUE}).")
    int buildBeam;

    @Option(
            names = "--force",
            order = 33,
            description = "Build and store even when the stored lists or graph are up to date.")
    boolean force;

    @Override
    public Integer call() {
        boolean lists = kind.equalsIgnoreCase("ivf");
        if (!lists && !kind.equalsIgnoreCase("hnsw")) {
            throw new ParameterException(
                    spec.commandLine(), "--kind must be ivf or hnsw, not '" + kind + "'");
        }
        var parsed = spec.commandLine().getParseResult();
        if (lists
                && (parsed.hasMatchedOption("--max-connections")
                        || parsed.hasMatchedOption("--build-beam"))) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--max-connections and --build-beam shape the HNSW graph: give them with --kind hnsw");
        }
        HnswSettings settings;
        try {
            settings =
                    new HnswSettings(maxConnections, buildBeam, HnswSettings.DEFAULTS.searchBeam());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ModelDirectory dir = new ModelDirectory(model);
        if (!Files.isRegularFile(dir.itemEmbeddings())) {
            throw new IllegalArgumentException(
                    model
                            + " has no "
                            + ItemEmbeddingsFile.FILE_NAME
                            + ": sdm index needs an exported model directory");
        }
        long started = System.nanoTime();
        float[][] vectors = ItemEmbeddingsFile.read(dir.itemEmbeddings()).vectors();
        console.note(
                "%,d items x %d read in %.1f s",
                vectors.length, vectors.length == 0 ? 0 : vectors[0].length, seconds(started));
        if (lists) {
            return storeLists(dir, vectors);
        }
        if (!force && Files.isRegularFile(dir.itemIndex())) {
            try {
                ItemGraphFile.open(dir.itemIndex(), vectors, settings);
                console.note(
                        "%s is up to date (M %d, build beam %d)",
                        dir.itemIndex(), maxConnections, buildBeam);
                return 0;
            } catch (StoredIndexRefused stale) {
                console.note("%s; building it again", stale.getMessage());
            }
        }
        started = System.nanoTime();
        HnswInnerProductIndex index = new HnswInnerProductIndex(vectors, settings);
        double buildSeconds = seconds(started);
        started = System.nanoTime();
        ItemGraphFile.write(dir.itemIndex(), index);
        console.note(
                "stored the HNSW graph (M %d, build beam %d) of %,d items in %s: built in %.1f s, "
                        + "written in %.1f s, %,d bytes",
                maxConnections,
                buildBeam,
                vectors.length,
                dir.itemIndex(),
                buildSeconds,
                seconds(started),
                sizeOf(dir.itemIndex()));
        console.note(
                "the stored graph serves retrieval.index=hnsw; auto uses %s at %,d items",
                IndexKind.AUTO.resolve(vectors.length) == IndexKind.EXACT
                        ? "the exact scan"
                        : "the inverted lists (sdm index --kind ivf)",
                vectors.length);
        return 0;
    }

    /** Builds the lists {@code retrieval.index=ivf} searches and stores them as item_index.ivf. */
    private int storeLists(ModelDirectory dir, float[][] vectors) {
        if (!force && Files.isRegularFile(dir.itemLists())) {
            try {
                ItemListsFile.open(dir.itemLists(), vectors);
                console.note("%s is up to date", dir.itemLists());
                return 0;
            } catch (StoredIndexRefused stale) {
                console.note("%s; building them again", stale.getMessage());
            }
        }
        long started = System.nanoTime();
        IvfInnerProductIndex index = IvfInnerProductIndex.forCatalogue(vectors);
        double buildSeconds = seconds(started);
        started = System.nanoTime();
        ItemListsFile.write(dir.itemLists(), index, vectors);
        console.note(
                "stored the inverted lists (%d lists, at most %d visited per search) of %,d items in %s: "
                        + "built in %.1f s, written in %.1f s, %,d bytes",
                index.lists(),
                index.maxProbes(),
                vectors.length,
                dir.itemLists(),
                buildSeconds,
                seconds(started),
                sizeOf(dir.itemLists()));
        if (IndexKind.AUTO.resolve(vectors.length) == IndexKind.EXACT) {
            console.note(
                    "at %,d items retrieval.index=auto scans exactly (up to %,d); the stored lists serve "
                            + "retrieval.index=ivf",
                    vectors.length, IndexKind.EXACT_MAX_ITEMS);
        }
        return 0;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
