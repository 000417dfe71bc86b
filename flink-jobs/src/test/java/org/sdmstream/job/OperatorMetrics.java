package org.sdmstream.job;

import java.util.Map;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;

/** Test harness environments whose operators register their metrics into a given group. */
public final class OperatorMetrics {

    private OperatorMetrics() {}

    /** A task metric group that hands {@code operator} to every operator of the task. */
    public static InterceptingTaskMetricGroup taskGivingEveryOperator(
            InternalOperatorMetricGroup operator) {
        return new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(
                    OperatorID id, String name, Map<String, String> attributes) {
                return operator;
            }
        };
    }
}
