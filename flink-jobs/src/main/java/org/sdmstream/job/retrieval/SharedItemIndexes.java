package org.sdmstream.job.retrieval;

import org.sdmstream.job.scoring.ModelCache;
import org.sdmstream.job.scoring.TaskManagerShared;
import org.sdmstream.model.retrieval.ItemIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One item index per TaskManager (per job class loader) and model, shared by every recommending
 * subtask there and reference-counted like the model itself ({@link TaskManagerShared}): a
 * million-item table is a quarter of a GB of vectors plus its lists or graph, one copy per slot
 * would multiply it.
 */
public final class SharedItemIndexes {

    private static final Logger LOG = LoggerFactory.getLogger(SharedItemIndexes.class);

    private static final TaskManagerShared<ItemIndex> BUILT = new TaskManagerShared<>(index -> {});

    private SharedItemIndexes() {}

    /** The index for these settings, built now if no subtask holds it. */
    public static TaskManagerShared.Lease<ItemIndex> acquire(RetrievalSettings settings) {
        return BUILT.acquire(settings.sharingKey(), () -> build(settings));
    }

    private static ItemIndex build(RetrievalSettings settings) {
        long started = System.nanoTime();
        // The model's own item table, from the same local copy the scorer loads (a model by URI
        // included).
        ItemIndex index =
                ItemIndex.load(
                        ModelCache.localDirectory(settings.modelDir()),
                        settings.index(),
                        settings.hnsw());
        if (index.warning() != null) {
            LOG.warn("{}", index.warning());
        }
        LOG.info(
                "loaded the {} item index of model {} (version {}): {} items, {} MB, {} ms ({}: {} ms)",
                index.kind(),
                settings.modelDir(),
                index.modelVersion(),
                index.size(),
                index.bytes() >> 20,
                (System.nanoTime() - started) / 1_000_000,
                index.origin(),
                index.buildMillis());
        return index;
    }

    /** How many subtasks hold the index for these settings (0 when none is built); for tests. */
    public static int references(RetrievalSettings settings) {
        return BUILT.references(settings.sharingKey());
    }
}
