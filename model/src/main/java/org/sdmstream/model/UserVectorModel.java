package org.sdmstream.model;

import java.util.List;
import org.sdmstream.features.ModelInput;

/**
 * A two-tower retrieval model seen from outside: it turns model inputs into user vectors, and its
 * item embeddings are what downstream retrieval indexes. Inner product of the two ranks items.
 * Implemented by SDM (in memory while training, or loaded from a SavedModel by the scorer) and by
 * the neural baselines, so evaluation and the stream treat them alike.
 */
public interface UserVectorModel extends AutoCloseable {

    /** Short name for reports, e.g. "SDM" or "YouTubeDNN". */
    String name();

    /** One vector per input, in input order; each of length {@link #dimension()}. */
    float[][] userVectors(List<ModelInput> inputs);

    int dimension();

    /**
     * Item ids in embedding-row order: row i of {@link #itemEmbeddings()} belongs to {@code
     * itemIds().get(i)}.
     */
    List<String> itemIds();

    /**
     * The output layer's weights, one row per item; rows for padding or unknown items are not
     * listed.
     */
    float[][] itemEmbeddings();

    @Override
    default void close() {}
}
