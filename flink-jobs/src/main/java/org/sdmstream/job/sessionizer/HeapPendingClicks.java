package org.sdmstream.job.sessionizer;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A sessionizer subtask's pending clicks on the heap between checkpoints. Without it every click
 * reads the user's {@link PendingClicks} from keyed state and writes it back twice (once when it
 * waits, once when its timer applies it): on RocksDB a serializer round trip each way, 18 % of the
 * scored job's sessionizer thread's Java samples in a profile (docs/benchmarks.md). Here a user's
 * buffer lives in a map from its first click until its clicks are applied, and {@link
 * #writeChanged} puts what changed into keyed state just before the state backend snapshots it, so
 * a checkpoint holds exactly what it held before.
 *
 * <p>While a user has an entry, the entry is the truth and the keyed state may be stale; without
 * one, the keyed state is. The map is bounded: it holds at most {@code capacity} clicks plus one
 * per user. A user who does not fit is kept in keyed state, read and written per click as before,
 * and a user on the heap whose next click would not fit is handed back to keyed state ({@link
 * #drop}), so a stalled watermark costs speed, never more heap.
 *
 * <p>Known empty. A user's entry leaves the map as soon as its clicks are applied, so that its room
 * serves others; the user is then remembered as having nothing in keyed state (no buffer, no
 * spill), so that the next click, and timers with nothing due, need not read both states to find
 * that out (nearly every click did: docs/benchmarks.md, session 15). The memory holds the {@code
 * capacity} users emptied last, starts empty after a restore, and stays true because the
 * sessionizer takes a user out of it before writing that user's state.
 */
final class HeapPendingClicks {

    /** One user's buffer on the heap. */
    static final class Entry {
        final PendingClicks clicks;

        /** The user's spilled clicks (those are always in keyed state), cached. */
        int spilled;

        /**
         * Whether keyed state holds a buffer of this user (restored, or written at a checkpoint).
         */
        boolean inState;

        /** Changed since it was last written to keyed state. */
        boolean dirty;

        Entry(PendingClicks clicks, int spilled, boolean inState) {
            this.clicks = clicks;
            this.spilled = spilled;
            this.inState = inState;
        }
    }

    /** Where {@link #writeChanged} puts a user's buffer. */
    interface StateWriter {
        /**
         * The user's live buffer (copy it before a state keeps it); null: clear the user's buffer.
         */
        void write(String user, PendingClicks clicksOrNull) throws Exception;
    }

    private final int capacity;
    private final Map<String, Entry> entries = new HashMap<>();

    /** Users without an entry whose buffer and spill in keyed state are empty, oldest first. */
    private final LinkedHashMap<String, Boolean> knownEmpty;

    /** Clicks held plus one per entry. */
    private int held;

    /**
     * @param capacity clicks (plus one per user) held at most; 0 holds nothing
     */
    HeapPendingClicks(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.knownEmpty =
                new LinkedHashMap<>() {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                        return size() > capacity;
                    }
                };
    }

    /**
     * Whether keyed state is known to hold neither a buffer nor a spill of the user; forgets it
     * either way (the caller is about to give the user an entry or write its state).
     */
    boolean takeKnownEmpty(String user) {
        return knownEmpty.remove(user) != null;
    }

    /** Whether keyed state is known to hold neither a buffer nor a spill of the user. */
    boolean isKnownEmpty(String user) {
        return knownEmpty.containsKey(user);
    }

    /**
     * Remembers that keyed state now holds neither a buffer nor a spill of the user, who has no
     * entry.
     */
    void rememberEmpty(String user) {
        knownEmpty.put(user, Boolean.TRUE);
    }

    /** Users remembered as empty in keyed state. */
    int knownEmptyUsers() {
        return knownEmpty.size();
    }

    /**
     * The user's entry, or null when keyed state holds the user's buffer (or is {@link
     * #isKnownEmpty known} to hold none).
     */
    Entry get(String user) {
        return entries.get(user);
    }

    /**
     * Takes the user's buffer over from keyed state if it fits: {@code fromState} (null: none) is
     * the state's object and is copied by {@code copy} first, so that later changes never touch an
     * object a heap state backend may be snapshotting.
     *
     * @return the new entry, or null when the map is full (the user stays in keyed state)
     */
    Entry adopt(
            String user, PendingClicks fromState, int spilled, UnaryOperator<PendingClicks> copy) {
        int size = fromState == null ? 0 : fromState.size();
        if (held + size + 1 > capacity) {
            return null;
        }
        Entry e =
                new Entry(
                        fromState == null ? new PendingClicks() : copy.apply(fromState),
                        spilled,
                        fromState != null);
        entries.put(user, e);
        held += size + 1;
        return e;
    }

    /** Whether one more click would exceed the capacity. */
    boolean full() {
        return held + 1 > capacity;
    }

    /**
     * Forgets the user's entry: the caller has just put its buffer into keyed state, or cleared it
     * there (under the user's key), which is then the truth again.
     */
    void drop(String user) {
        Entry e = entries.remove(user);
        if (e != null) {
            held -= e.clicks.size() + 1;
        }
    }

    /** Records that the entry's buffer went from {@code before} to its current size. */
    void changed(Entry e, int before) {
        held += e.clicks.size() - before;
        e.dirty = true;
    }

    /**
     * Writes every changed buffer to keyed state, or clears it there when it emptied, and forgets
     * the emptied ones: their state is now empty too.
     */
    void writeChanged(StateWriter state) throws Exception {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Entry> user = it.next();
            Entry e = user.getValue();
            boolean empty = e.clicks.isEmpty();
            if (e.dirty || (empty && e.inState)) {
                if (!empty) {
                    state.write(user.getKey(), e.clicks);
                } else if (e.inState) {
                    state.write(user.getKey(), null);
                }
                e.inState = !empty;
                e.dirty = false;
            }
            if (empty) {
                it.remove();
                held--;
                if (e.spilled == 0) {
                    rememberEmpty(user.getKey());
                }
            }
        }
    }

    /** Clicks on the heap plus one per user: what {@code capacity} bounds. */
    int held() {
        return held;
    }

    /** Clicks on the heap. */
    int clicks() {
        return held - entries.size();
    }

    /** Users with an entry. */
    int users() {
        return entries.size();
    }
}
