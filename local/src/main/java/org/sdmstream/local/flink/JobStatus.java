package org.sdmstream.local.flink;

import java.util.Set;

/** A job's state and the distinct states of its vertices, as the REST API reports them. */
public record JobStatus(String state, Set<String> vertexStates) {

    public JobStatus {
        vertexStates = Set.copyOf(vertexStates);
    }

    /**
     * The job runs and so does every task (a restarting job shows RUNNING with tasks still
     * deploying).
     */
    public boolean isFullyRunning() {
        return state.equals("RUNNING") && vertexStates.equals(Set.of("RUNNING"));
    }
}
