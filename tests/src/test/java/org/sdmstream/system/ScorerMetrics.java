package org.sdmstream.system;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.sdmstream.local.flink.FlinkRestClient;

/**
 * The scoring operator's counters ({@code user-vector-scorer}: inputs in, vectors out, inputs
 * refused) summed over its subtasks, as the REST API reports them, and from them how many inputs
 * wait in a batch.
 */
final class ScorerMetrics {

    static final String OPERATOR = "user-vector-scorer";
    private static final List<String> IDS =
            List.of(
                    OPERATOR + ".numRecordsIn",
                    OPERATOR + ".vectorsOut",
                    OPERATOR + ".scoringFailures");

    /** One reading: inputs the scorer received, vectors it emitted, inputs it refused. */
    record Sample(long in, long out, long refused) {

        /** Inputs received but neither scored nor refused yet: they wait in a batch. */
        long buffered() {
            return in - out - refused;
        }
    }

    private final FlinkRestClient rest;
    private final String job;
    private final String vertex;

    private ScorerMetrics(FlinkRestClient rest, String job, String vertex) {
        this.rest = rest;
        this.job = job;
        this.vertex = vertex;
    }

    /**
     * Waits until the metric fetcher has seen the scorer's counters (the vertex that chains the
     * scorer).
     */
    static ScorerMetrics of(FlinkRestClient rest, String job, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String vertex : rest.vertices(job).keySet()) {
                if (rest.subtaskMetricIds(job, vertex).containsAll(IDS)) {
                    return new ScorerMetrics(rest, job, vertex);
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "no vertex of job " + job + " reports " + IDS + " within " + timeout);
    }

    Sample sample() throws IOException {
        Map<String, Double> sums = rest.subtaskMetricSums(job, vertex, IDS);
        return new Sample(
                sums.getOrDefault(IDS.get(0), 0.0).longValue(),
                sums.getOrDefault(IDS.get(1), 0.0).longValue(),
                sums.getOrDefault(IDS.get(2), 0.0).longValue());
    }

    /**
     * A reading taken after this call began: the REST API serves the metric fetcher's last result,
     * so this waits until the inputs counter has moved twice (the second move comes from a fetch
     * started after the first was served, i.e. after this call). Inputs must be flowing.
     */
    Sample freshSample(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Sample last = sample();
        for (int moves = 0; moves < 2; ) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the scorer's input counter did not move twice within "
                                + timeout
                                + ": "
                                + last);
            }
            Thread.sleep(50);
            Sample next = sample();
            if (next.in() != last.in()) {
                moves++;
                last = next;
            }
        }
        return last;
    }
}
