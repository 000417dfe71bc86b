package org.sdmstream.model.scoring;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Carried step state per user, bounded by approximate bytes, least recently used evicted first. It
 * is only a cache: a missing state is rebuilt from the model input, which is always the truth. Not
 * thread-safe; {@link IncrementalSdmScorer} guards it.
 */
final class StepStateCache {

    private final long maxBytes;
    private final LinkedHashMap<String, StepState> states = new LinkedHashMap<>(1024, 0.75f, true);
    private final Map<String, Long> sizes = new java.util.HashMap<>();
    private long bytes;
    private long evictions;

    StepStateCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Removes and returns the user's state (null if none): the caller owns it while stepping. */
    synchronized StepState take(String userId) {
        StepState s = states.remove(userId);
        if (s != null) {
            bytes -= sizes.remove(userId);
        }
        return s;
    }

    /** Stores the user's state, evicting least recently used users beyond the byte bound. */
    synchronized void put(String userId, StepState state) {
        take(userId);
        long size = state.bytes(userId);
        if (size > maxBytes) {
            return;
        }
        states.put(userId, state);
        sizes.put(userId, size);
        bytes += size;
        Iterator<Map.Entry<String, StepState>> eldest = states.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            String victim = eldest.next().getKey();
            eldest.remove();
            bytes -= sizes.remove(victim);
            evictions++;
        }
    }

    synchronized int users() {
        return states.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long evictions() {
        return evictions;
    }

    synchronized void clear() {
        states.clear();
        sizes.clear();
        bytes = 0;
    }
}
