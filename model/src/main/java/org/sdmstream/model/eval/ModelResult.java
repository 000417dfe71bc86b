package org.sdmstream.model.eval;

import java.util.List;

/**
 * One model's row in an evaluation: its metrics at each cut-off and what training and ranking cost.
 *
 * @param metrics one entry per K, ascending
 */
public record ModelResult(
        String name, List<MetricsAtK> metrics, double trainSeconds, double evaluateSeconds) {

    public ModelResult {
        metrics = List.copyOf(metrics);
    }

    /** The metrics at cut-off {@code k}. */
    public MetricsAtK at(int k) {
        return metrics.stream()
                .filter(m -> m.k() == k)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException(name + " was not evaluated at K=" + k));
    }
}
