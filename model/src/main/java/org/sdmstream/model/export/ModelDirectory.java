package org.sdmstream.model.export;

import java.nio.file.Path;

/**
 * The layout of an exported model directory: the directory itself is a TF SavedModel ({@code
 * saved_model.pb}, {@code variables/}), with the vocabularies in {@code vocab/}, the item embedding
 * table in {@code item_embeddings.tsv} and {@code metadata.json} beside it; optionally the item
 * table's HNSW graph, {@code item_index.hnsw}, and its inverted lists, {@code item_index.ivf},
 * added after export by {@code sdm index}.
 */
public record ModelDirectory(Path root) {

    /** The stored HNSW graph's file name (ItemGraphFile). */
    public static final String ITEM_INDEX_FILE = "item_index.hnsw";

    /** The stored inverted lists' file name (ItemListsFile). */
    public static final String ITEM_LISTS_FILE = "item_index.ivf";

    public Path savedModel() {
        return root.resolve("saved_model.pb");
    }

    public Path vocabularies() {
        return root.resolve("vocab");
    }

    public Path itemEmbeddings() {
        return root.resolve(ItemEmbeddingsFile.FILE_NAME);
    }

    /**
     * The stored HNSW graph of the item table ({@code sdm index --kind hnsw}); absent unless
     * stored.
     */
    public Path itemIndex() {
        return root.resolve(ITEM_INDEX_FILE);
    }

    /**
     * The stored inverted lists of the item table ({@code sdm index --kind ivf}); absent unless
     * stored.
     */
    public Path itemLists() {
        return root.resolve(ITEM_LISTS_FILE);
    }

    public Path metadata() {
        return root.resolve(ModelMetadata.FILE_NAME);
    }
}
