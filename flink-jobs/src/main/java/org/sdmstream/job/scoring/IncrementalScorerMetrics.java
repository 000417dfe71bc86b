package org.sdmstream.job.scoring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.sdmstream.model.scoring.IncrementalSdmScorer;

/**
 * The incremental scorer's counters as gauges, under the scorer operator's group {@value #GROUP}:
 * what a slow scorer spends its runs on (steps, prefix rows for bursts, rebuilds after cache
 * misses, the full tower for sessions longer than the model's) and what its cache holds. The model
 * is shared by the subtasks of a TaskManager, so these count for the whole TaskManager: every
 * subtask there reports the same values.
 */
final class IncrementalScorerMetrics {

    static final String GROUP = "incrementalScorer";

    /** Gauge name to the counter it reads. */
    static final Map<String, ToLongFunction<IncrementalSdmScorer.Stats>> GAUGES = gauges();

    private IncrementalScorerMetrics() {}

    private static Map<String, ToLongFunction<IncrementalSdmScorer.Stats>> gauges() {
        Map<String, ToLongFunction<IncrementalSdmScorer.Stats>> g = new LinkedHashMap<>();
        g.put("inputs", IncrementalSdmScorer.Stats::inputs);
        g.put("steps", IncrementalSdmScorer.Stats::steps);
        g.put("stepRuns", IncrementalSdmScorer.Stats::rounds);
        g.put("sessionValueRuns", IncrementalSdmScorer.Stats::sessionRuns);
        g.put("prefixRuns", IncrementalSdmScorer.Stats::prefixRuns);
        g.put("prefixInputs", IncrementalSdmScorer.Stats::prefixInputs);
        g.put("cacheHits", IncrementalSdmScorer.Stats::cacheHits);
        g.put("rebuilds", IncrementalSdmScorer.Stats::rebuilds);
        g.put("fullTowerInputs", IncrementalSdmScorer.Stats::fullTower);
        g.put("evictions", IncrementalSdmScorer.Stats::evictions);
        g.put("cachedUsers", IncrementalSdmScorer.Stats::cachedUsers);
        g.put("cachedBytes", IncrementalSdmScorer.Stats::cachedBytes);
        g.put("lookedUp", IncrementalSdmScorer.Stats::lookedUp);
        return Map.copyOf(g);
    }

    static void register(MetricGroup operator, IncrementalSdmScorer scorer) {
        MetricGroup group = operator.addGroup(GROUP);
        GAUGES.forEach(
                (name, counter) ->
                        group.gauge(name, (Gauge<Long>) () -> counter.applyAsLong(scorer.stats())));
    }
}
