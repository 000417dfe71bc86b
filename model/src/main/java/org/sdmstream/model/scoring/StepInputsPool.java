package org.sdmstream.model.scoring;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdmstream.model.ModelSignature;

/**
 * Step-input tensors kept from one round to the next, so that a round neither allocates its native
 * tensors (about 26 KB per lane, mostly attention rows) nor zeroes the attention slots past each
 * lane's position ({@link StepInputs} says why that is safe). A round of n lanes takes a set of
 * {@link #lanesFor}(n) lanes, at most an eighth more, so that the job's rounds, whose sizes vary
 * from call to call, share a few sizes; the lanes past n are padding the step computes and nobody
 * reads.
 *
 * <p>Idle sets are bounded by {@link #MAX_IDLE_BYTES}: the least recently used size goes first.
 * Subtasks sharing one scorer take sets concurrently; a set is used by one round at a time.
 */
final class StepInputsPool implements AutoCloseable {

    /**
     * Idle sets kept at most: a 256-lane set of the default model is 6.6 MB, so a few sizes of full
     * rounds for two subtasks.
     */
    static final long MAX_IDLE_BYTES = 64L << 20;

    private final ModelSignature.StepDimensions dims;
    private final List<String> sessionValueNames;
    private final int maxLanes;
    private final long maxIdleBytes;

    /** Idle sets by lane count, least recently used size first. */
    private final LinkedHashMap<Integer, ArrayDeque<StepInputs>> idle =
            new LinkedHashMap<>(16, 0.75f, true);

    private long idleBytes;
    private long allocated;
    private boolean closed;

    /**
     * @param maxLanes the most lanes a round has (the scorer's batch cap): no set is padded past it
     */
    StepInputsPool(
            ModelSignature.StepDimensions dims,
            List<String> sessionValueNames,
            int maxLanes,
            long maxIdleBytes) {
        this.dims = dims;
        this.sessionValueNames = List.copyOf(sessionValueNames);
        this.maxLanes = maxLanes;
        this.maxIdleBytes = maxIdleBytes;
    }

    /**
     * The lanes of the set a round of {@code lanes} takes: the count itself up to 8, then rounded
     * up to a multiple of an eighth of the power of two below it (9, 10, .., 16, 18, .., 32, 36,
     * .., 208, 224, 240, 256, 288, ..), so at most an eighth of a set is padding.
     */
    static int lanesFor(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("a round has at least one lane, not " + lanes);
        }
        if (lanes <= 8) {
            return lanes;
        }
        int step = Integer.highestOneBit(lanes - 1) >> 3;
        return (lanes + step - 1) / step * step;
    }

    /**
     * A set of {@link #lanesFor}({@code lanes}) lanes (no more than the batch cap), idle or new;
     * the caller owns it until {@link #give}. A set larger than the idle bound (a batch cap of some
     * 2,500 lanes at the default sizes) is allocated anew for every round.
     */
    StepInputs take(int lanes) {
        // Never past the batch cap (a cap off the size grid, e.g. 300, would pad to 320).
        int size = Math.max(lanes, Math.min(lanesFor(lanes), maxLanes));
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the scorer is closed");
            }
            ArrayDeque<StepInputs> sets = idle.get(size);
            if (sets != null && !sets.isEmpty()) {
                StepInputs in = sets.pop();
                idleBytes -= in.bytes();
                return in;
            }
            allocated++;
        }
        return new StepInputs(dims, size, sessionValueNames);
    }

    /**
     * Takes back a set after a round that ran to the end; a round that failed closes its set
     * instead.
     */
    void give(StepInputs in) {
        synchronized (this) {
            long bytes = in.bytes();
            if (!closed && bytes <= maxIdleBytes) {
                idle.computeIfAbsent(in.lanes(), k -> new ArrayDeque<>()).push(in);
                idleBytes += bytes;
                evictOverBound();
                return;
            }
        }
        in.close();
    }

    private void evictOverBound() {
        Iterator<Map.Entry<Integer, ArrayDeque<StepInputs>>> sizes = idle.entrySet().iterator();
        while (idleBytes > maxIdleBytes && sizes.hasNext()) {
            ArrayDeque<StepInputs> sets = sizes.next().getValue();
            while (idleBytes > maxIdleBytes && !sets.isEmpty()) {
                StepInputs evicted = sets.removeLast();
                idleBytes -= evicted.bytes();
                evicted.close();
            }
            if (sets.isEmpty()) {
                sizes.remove();
            }
        }
    }

    /** Sets allocated since the scorer was loaded. */
    synchronized long allocated() {
        return allocated;
    }

    /** Native bytes of the idle sets. */
    synchronized long idleBytes() {
        return idleBytes;
    }

    /** Frees the idle sets; sets given back later are freed at once. */
    @Override
    public synchronized void close() {
        closed = true;
        idle.values().forEach(sets -> sets.forEach(StepInputs::close));
        idle.clear();
        idleBytes = 0;
    }
}
