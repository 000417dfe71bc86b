package org.sdmstream.model.retrieval;

/**
 * Why a search structure stored with a model ({@link ItemGraphFile}, {@link ItemListsFile}) cannot
 * serve the model's table; the message says which file, why, and what to do.
 */
public final class StoredIndexRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoredIndexRefused(String message) {
        super(message);
    }
}
