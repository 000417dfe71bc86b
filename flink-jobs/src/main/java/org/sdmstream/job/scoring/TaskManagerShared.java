package org.sdmstream.job.scoring;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Values that every subtask of a TaskManager (of one job class loader) shares, one per key and
 * reference-counted: the first {@link #acquire} builds the value, the last {@link Lease#close}
 * frees it. For what is too big to hold once per slot: a loaded model (native memory, its own TF
 * thread pools) or an item index over a large catalogue.
 *
 * @param <V> the shared value
 */
public final class TaskManagerShared<V> {

    private final Map<String, Entry<V>> loaded = new HashMap<>();
    private final Consumer<V> free;

    /**
     * @param free what releasing the last lease does with a value (e.g. close it)
     */
    public TaskManagerShared(Consumer<V> free) {
        this.free = free;
    }

    private static final class Entry<V> {
        final V value;
        int references;

        Entry(V value) {
            this.value = value;
        }
    }

    /** A subtask's hold on a shared value; closing it releases the hold exactly once. */
    public static final class Lease<V> implements AutoCloseable {
        private final TaskManagerShared<V> owner;
        private final String key;
        private final V value;
        private boolean released;

        private Lease(TaskManagerShared<V> owner, String key, V value) {
            this.owner = owner;
            this.key = key;
            this.value = value;
        }

        public V value() {
            return value;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                owner.release(key);
            }
        }
    }

    /**
     * The value for {@code key}, built now by {@code build} if no subtask holds it. Building
     * happens under the lock on purpose: subtasks starting together must wait for one build, not
     * start several.
     */
    public Lease<V> acquire(String key, Supplier<V> build) {
        synchronized (loaded) {
            Entry<V> e = loaded.get(key);
            if (e == null) {
                e = new Entry<>(build.get());
                loaded.put(key, e);
            }
            e.references++;
            return new Lease<>(this, key, e.value);
        }
    }

    private void release(String key) {
        V toFree = null;
        synchronized (loaded) {
            Entry<V> e = loaded.get(key);
            if (e != null && --e.references == 0) {
                loaded.remove(key);
                toFree = e.value;
            }
        }
        if (toFree != null) {
            free.accept(toFree);
        }
    }

    /** How many subtasks hold the value for {@code key} (0 when none is built); for tests. */
    public int references(String key) {
        synchronized (loaded) {
            Entry<V> e = loaded.get(key);
            return e == null ? 0 : e.references;
        }
    }
}
