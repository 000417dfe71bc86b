package org.sdmstream.local.flink;

/**
 * A job's checkpoint summary from {@code GET /jobs/:id/checkpoints}: completed and failed counts,
 * the latest completed checkpoint (id 0 if none) with its sizes, and the checkpoint the job last
 * restored from (id 0 if none).
 */
public record CheckpointStats(
        long completed,
        long failed,
        long restored,
        long latestId,
        String latestPath,
        long latestCheckpointedSize,
        long latestStateSize,
        long restoredId) {}
