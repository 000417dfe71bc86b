package org.sdmstream.cli.kafka;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Click-to-output latency: remembers when each click was sent (by user and event time, in send
 * order) and, when the output for that click is read, records the wall-clock difference.
 */
public final class LatencyRecorder {

    private final Map<String, ArrayDeque<Long>> sendTimes = new HashMap<>();
    private long[] samples = new long[1024];
    private int count;

    public synchronized void sent(String userId, long eventTime, long nanos) {
        sendTimes.computeIfAbsent(key(userId, eventTime), k -> new ArrayDeque<>(1)).addLast(nanos);
    }

    /**
     * Records the latency of the output for this click; returns false if the click was not seen
     * being sent.
     */
    public synchronized boolean received(String userId, long eventTime, long nanos) {
        String key = key(userId, eventTime);
        ArrayDeque<Long> queue = sendTimes.get(key);
        Long sentAt = queue == null ? null : queue.pollFirst();
        if (sentAt == null) {
            return false;
        }
        if (queue.isEmpty()) {
            sendTimes.remove(key); // keeps memory to the clicks in flight
        }
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos - sentAt;
        return true;
    }

    /** The q-quantile (0..1) in milliseconds, or NaN before any sample. */
    public synchronized double quantileMillis(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int index = (int) Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
        return sorted[index] / 1e6;
    }

    public synchronized int count() {
        return count;
    }

    private static String key(String userId, long eventTime) {
        return userId + '\u0000' + eventTime;
    }
}
