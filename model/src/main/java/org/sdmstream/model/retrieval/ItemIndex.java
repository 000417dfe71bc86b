package org.sdmstream.model.retrieval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.sdmstream.model.UserVectorModel;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.ModelDirectory;
import org.sdmstream.model.export.ModelMetadata;

/**
 * A model's items, searchable by inner product with its user vectors: the one retrieval index of
 * evaluation, {@code sdm recommend} and the stream. Built from the model's own item table (the
 * exported {@code item_embeddings.tsv}, or a model in memory), so the items always belong to the
 * same model version as the vectors; the table never holds padding or unknown rows, so neither is
 * ever returned. Immutable and thread-safe once built.
 */
public final class ItemIndex {

    /** One user's top items, best first, with their inner products with the user's vector. */
    public record TopItems(List<String> itemIds, float[] scores) {}

    private final ItemCatalogue catalogue;
    private final InnerProductIndex index;
    private final IndexKind kind;
    private final String modelVersion;
    private final long buildMillis;
    private final String origin;
    private final String warning;

    private ItemIndex(
            ItemCatalogue catalogue,
            InnerProductIndex index,
            IndexKind kind,
            String modelVersion,
            long buildMillis,
            String origin,
            String warning) {
        this.catalogue = catalogue;
        this.index = index;
        this.kind = kind;
        this.modelVersion = modelVersion;
        this.buildMillis = buildMillis;
        this.origin = origin;
        this.warning = warning;
    }

    /**
     * An index over {@code ids} (row i = {@code vectors[i]}); {@code kind} AUTO picks by size, an
     * HNSW graph has the default settings.
     *
     * @param modelVersion the version of the model the table belongs to; null when unknown
     */
    public static ItemIndex of(
            List<String> ids, float[][] vectors, IndexKind kind, String modelVersion) {
        return of(ids, vectors, kind, modelVersion, HnswSettings.DEFAULTS);
    }

    /**
     * An index over {@code ids} (row i = {@code vectors[i]}); {@code kind} AUTO picks by size, an
     * HNSW graph is built and searched with {@code hnsw}.
     *
     * @param modelVersion the version of the model the table belongs to; null when unknown
     */
    public static ItemIndex of(
            List<String> ids,
            float[][] vectors,
            IndexKind kind,
            String modelVersion,
            HnswSettings hnsw) {
        return built(catalogue(ids, vectors), vectors, kind, modelVersion, hnsw, null);
    }

    private static ItemCatalogue catalogue(List<String> ids, float[][] vectors) {
        ItemCatalogue catalogue = new ItemCatalogue(ids);
        if (catalogue.size() != vectors.length) {
            throw new IllegalArgumentException(
                    "the item table lists "
                            + catalogue.size()
                            + " distinct item ids but has "
                            + vectors.length
                            + " embeddings");
        }
        return catalogue;
    }

    private static ItemIndex built(
            ItemCatalogue catalogue,
            float[][] vectors,
            IndexKind kind,
            String modelVersion,
            HnswSettings hnsw,
            String warning) {
        long started = System.nanoTime();
        IndexKind resolved = kind.resolve(vectors.length);
        InnerProductIndex index = resolved.build(vectors, hnsw);
        return new ItemIndex(
                catalogue,
                index,
                resolved,
                modelVersion,
                (System.nanoTime() - started) / 1_000_000,
                switch (resolved) {
                    case HNSW -> "graph built in memory";
                    case IVF -> "inverted lists built in memory";
                    default -> "exact scan";
                },
                warning);
    }

    /**
     * The index of a model's item embeddings (in memory or loaded), checked against its vector
     * size.
     */
    public static ItemIndex of(UserVectorModel model, IndexKind kind) {
        ItemIndex index = of(model.itemIds(), model.itemEmbeddings(), kind, null);
        if (index.size() > 0 && index.dimension() != model.dimension()) {
            throw new IllegalArgumentException(
                    "model "
                            + model.name()
                            + " has dimension "
                            + model.dimension()
                            + " but item embeddings of dimension "
                            + index.dimension());
        }
        return index;
    }

    /**
     * The index of an exported model directory's {@code item_embeddings.tsv}, carrying the version
     * of its {@code metadata.json} (null without one).
     */
    public static ItemIndex load(Path modelDir, IndexKind kind) {
        return load(modelDir, kind, HnswSettings.DEFAULTS);
    }

    /**
     * The index of an exported model directory's {@code item_embeddings.tsv}, carrying the version
     * of its {@code metadata.json} (null without one). An HNSW index uses the graph stored in the
     * directory ({@code item_index.hnsw}, {@code sdm index}), mapped, when it was built from this
     * very table with {@code hnsw}'s M and build beam; otherwise it builds the graph in memory, and
     * {@link #warning()} says why a stored graph was refused. An IVF index likewise reads the lists
     * stored as {@code item_index.ivf} ({@code sdm index --kind ivf}) when they are of this table.
     * Either way it searches with {@code hnsw}'s search beam.
     */
    public static ItemIndex load(Path modelDir, IndexKind kind, HnswSettings hnsw) {
        ModelDirectory dir = new ModelDirectory(modelDir);
        if (!Files.isRegularFile(dir.itemEmbeddings())) {
            throw new IllegalArgumentException(
                    modelDir
                            + " has no "
                            + ItemEmbeddingsFile.FILE_NAME
                            + ": retrieval needs the model's item table (docs/model.md, export layout)");
        }
        ModelMetadata metadata =
                Files.exists(dir.metadata()) ? ModelMetadata.read(dir.metadata()) : null;
        ItemEmbeddingsFile.ItemEmbeddings table = ItemEmbeddingsFile.read(dir.itemEmbeddings());
        String version = metadata == null ? null : metadata.modelVersion();
        ItemCatalogue catalogue = catalogue(table.ids(), table.vectors());
        String warning = null;
        IndexKind resolved = kind.resolve(table.vectors().length);
        boolean lists = resolved == IndexKind.IVF;
        Path stored =
                switch (resolved) {
                    case IVF -> dir.itemLists();
                    case HNSW -> dir.itemIndex();
                    default -> null;
                };
        if (stored != null && Files.isRegularFile(stored)) {
            long started = System.nanoTime();
            try {
                InnerProductIndex opened =
                        lists
                                ? ItemListsFile.open(stored, table.vectors())
                                : ItemGraphFile.open(stored, table.vectors(), hnsw);
                return new ItemIndex(
                        catalogue,
                        opened,
                        resolved,
                        version,
                        (System.nanoTime() - started) / 1_000_000,
                        (lists ? "stored lists " : "stored graph ") + stored.getFileName(),
                        null);
            } catch (StoredIndexRefused refused) {
                warning =
                        refused.getMessage()
                                + (lists ? "; building the lists" : "; building the graph")
                                + " in memory instead";
            }
        }
        return built(catalogue, table.vectors(), kind, version, hnsw, warning);
    }

    /**
     * The {@code k} best items for each user vector, best first, never one of that user's {@code
     * excluded} ids (ids not in the table are ignored).
     *
     * @param excluded one collection per user vector; null for no exclusions
     */
    public List<TopItems> topK(
            float[][] userVectors, int k, List<? extends Collection<String>> excluded) {
        if (excluded != null && excluded.size() != userVectors.length) {
            throw new IllegalArgumentException(
                    userVectors.length
                            + " user vectors but "
                            + excluded.size()
                            + " exclusion lists");
        }
        int[][] rows = null;
        if (excluded != null) {
            rows = new int[userVectors.length][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = catalogue.indicesOf(excluded.get(i));
            }
        }
        Hits[] hits = index.search(userVectors, k, rows);
        List<TopItems> out = new ArrayList<>(hits.length);
        for (Hits h : hits) {
            out.add(new TopItems(catalogue.idsOf(h.items()), h.scores()));
        }
        return out;
    }

    /** Items in the index. */
    public int size() {
        return index.size();
    }

    public int dimension() {
        return index.dimension();
    }

    /** The kind searched with ({@code exact}, {@code hnsw} or {@code ivf}, never {@code auto}). */
    public IndexKind kind() {
        return kind;
    }

    /** The model version of the item table; null when unknown. */
    public String modelVersion() {
        return modelVersion;
    }

    /** Heap bytes of the search structure, item vectors included. */
    public long bytes() {
        return index.bytes();
    }

    /**
     * How long building the search structure took, or opening a stored graph (not reading the
     * table).
     */
    public long buildMillis() {
        return buildMillis;
    }

    /**
     * Where the search structure came from: {@code exact scan}, {@code inverted lists built in
     * memory}, {@code stored lists item_index.ivf}, {@code graph built in memory} or {@code stored
     * graph item_index.hnsw}.
     */
    public String origin() {
        return origin;
    }

    /** Why the model directory's stored graph was not used; null when it was or there is none. */
    public String warning() {
        return warning;
    }
}
