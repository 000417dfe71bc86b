package org.sdmstream.model.scoring;

/**
 * TF thread pools for a loaded model, and the most inputs per TF call. With both counts 0 the model
 * shares TF's process-wide pools (sized by the first session of the process, all cores by default);
 * with a count set, the model gets its own pools of that size (ConfigProto
 * use_per_session_threads), so a Flink slot can be held to e.g. 1 intra-op and 1 inter-op thread.
 * Inter-op -1 runs every op in the calling thread (TF's negative inter_op_parallelism_threads):
 * callers on different threads (the subtasks of a TaskManager sharing one model) then run their
 * calls in parallel, each on its own thread, with no hand-off to a pool; the intra-op count then
 * sizes TF's process-wide pool, if this is the first model of the process.
 */
public record ScorerOptions(int intraOpThreads, int interOpThreads, int maxBatch) {

    public static final ScorerOptions DEFAULT = new ScorerOptions(0, 0, 256);

    /** Whether ops run in the calling thread (inter-op -1). */
    public boolean callerThread() {
        return interOpThreads < 0;
    }

    public ScorerOptions {
        if (intraOpThreads < 0 || interOpThreads < -1 || maxBatch < 1) {
            throw new IllegalArgumentException(
                    "intra-op threads must be >= 0, inter-op threads >= -1 and maxBatch >= 1");
        }
    }
}
