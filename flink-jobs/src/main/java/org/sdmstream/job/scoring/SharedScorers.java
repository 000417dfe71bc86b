package org.sdmstream.job.scoring;

import java.util.HashMap;
import java.util.Map;
import org.sdmstream.model.scoring.BatchScorer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model per TaskManager (per job class loader), shared by every scoring subtask there
 * and reference-counted: the first {@link #acquire} loads it, the last {@link Lease#close} frees
 * it. A model is a few hundred MB of native memory and its own TF thread pools; one per slot would
 * multiply both.
 */
public final class SharedScorers {

    private static final Logger LOG = LoggerFactory.getLogger(SharedScorers.class);

    private static final Map<String, Entry> LOADED = new HashMap<>();

    private SharedScorers() {}

    private static final class Entry {
        final BatchScorer scorer;
        int references;

        Entry(BatchScorer scorer) {
            this.scorer = scorer;
        }
    }

    /** A subtask's hold on a shared scorer; closing it releases the hold exactly once. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final BatchScorer scorer;
        private boolean released;

        private Lease(String key, BatchScorer scorer) {
            this.key = key;
            this.scorer = scorer;
        }

        public BatchScorer scorer() {
            return scorer;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(key);
            }
        }
    }

    /**
     * The scorer for these settings, loaded now if no subtask holds it. Loading happens under the
     * lock on purpose: subtasks starting together must wait for one load, not start several.
     */
    public static Lease acquire(ScoringSettings settings) {
        String key = settings.sharingKey();
        synchronized (LOADED) {
            Entry e = LOADED.get(key);
            if (e == null) {
                long started = System.nanoTime();
                BatchScorer scorer = settings.loader().apply(settings);
                try {
                    // While the task is still initialising: the first real batch must not stall the
                    // stream.
                    scorer.warmUp();
                } catch (RuntimeException failed) {
                    scorer.close();
                    throw failed;
                }
                e = new Entry(scorer);
                LOADED.put(key, e);
                LOG.info(
                        "loaded and warmed up model {} (version {}, dimension {}) in {} ms",
                        settings.modelDir(),
                        e.scorer.modelVersion(),
                        e.scorer.dimension(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            e.references++;
            return new Lease(key, e.scorer);
        }
    }

    private static void release(String key) {
        BatchScorer toClose = null;
        synchronized (LOADED) {
            Entry e = LOADED.get(key);
            if (e != null && --e.references == 0) {
                LOADED.remove(key);
                toClose = e.scorer;
            }
        }
        if (toClose != null) {
            LOG.info("closing model {}", key);
            toClose.close();
        }
    }

    /**
     * How many subtasks hold the scorer with this key (0 when it is not loaded); for tests and
     * metrics.
     */
    public static int references(ScoringSettings settings) {
        synchronized (LOADED) {
            Entry e = LOADED.get(settings.sharingKey());
            return e == null ? 0 : e.references;
        }
    }
}
