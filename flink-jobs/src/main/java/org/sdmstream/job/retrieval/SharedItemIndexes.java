package org.sdmstream.job.retrieval;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.sdmstream.model.retrieval.ItemIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One item index per TaskManager (per job class loader) and model, shared by every recommending
 * subtask there and reference-counted like the model itself ({@code SharedScorers}): a million-item
 * table is a quarter of a GB of vectors plus its graph, one copy per slot would multiply it.
 */
public final class SharedItemIndexes {

    private static final Logger LOG = LoggerFactory.getLogger(SharedItemIndexes.class);

    private static final Map<String, Entry> LOADED = new HashMap<>();

    private SharedItemIndexes() {}

    private static final class Entry {
        final ItemIndex index;
        int references;

        Entry(ItemIndex index) {
            this.index = index;
        }
    }

    /** A subtask's hold on a shared index; closing it releases the hold exactly once. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final ItemIndex index;
        private boolean released;

        private Lease(String key, ItemIndex index) {
            this.key = key;
            this.index = index;
        }

        public ItemIndex index() {
            return index;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                synchronized (LOADED) {
                    Entry e = LOADED.get(key);
                    if (e != null && --e.references == 0) {
                        LOADED.remove(key);
                    }
                }
            }
        }
    }

    /**
     * The index for these settings, built now (under the lock: one build for subtasks starting
     * together).
     */
    public static Lease acquire(RetrievalSettings settings) {
        String key = settings.sharingKey();
        synchronized (LOADED) {
            Entry e = LOADED.get(key);
            if (e == null) {
                long started = System.nanoTime();
                e = new Entry(ItemIndex.load(Path.of(settings.modelDir()), settings.index()));
                LOADED.put(key, e);
                LOG.info(
                        "built the {} item index of model {} (version {}): {} items, {} MB, {} ms ({} ms graph)",
                        e.index.kind(),
                        settings.modelDir(),
                        e.index.modelVersion(),
                        e.index.size(),
                        e.index.bytes() >> 20,
                        (System.nanoTime() - started) / 1_000_000,
                        e.index.buildMillis());
            }
            e.references++;
            return new Lease(key, e.index);
        }
    }

    /** How many subtasks hold the index with this key (0 when none is built); for tests. */
    public static int references(RetrievalSettings settings) {
        synchronized (LOADED) {
            Entry e = LOADED.get(settings.sharingKey());
            return e == null ? 0 : e.references;
        }
    }
}
