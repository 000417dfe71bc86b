package org.sdmstream.model.export;

import java.nio.file.Path;

/**
 * The layout of an exported model directory: the directory itself is a TF SavedModel ({@code
 * saved_model.pb}, {@code variables/}), with the vocabularies in {@code vocab/}, the item embedding
 * table in {@code item_embeddings.tsv} and {@code metadata.json} beside it.
 */
public record ModelDirectory(Path root) {

    public Path savedModel() {
        return root.resolve("saved_model.pb");
    }

    public Path vocabularies() {
        return root.resolve("vocab");
    }

    public Path itemEmbeddings() {
        return root.resolve(ItemEmbeddingsFile.FILE_NAME);
    }

    public Path metadata() {
        return root.resolve(ModelMetadata.FILE_NAME);
    }
}
