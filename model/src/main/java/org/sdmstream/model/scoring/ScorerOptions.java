package org.sdmstream.model.scoring;

/**
 * TF thread pools for a loaded model, and the most inputs per TF call. With both counts 0 the model
 * shares TF's process-wide pools (sized by the first session of the process, all cores by default);
 * with a count set, the model gets its own pools of that size (ConfigProto use_per_session_threads),
 * so a Flink slot can be held to e.g. 1 intra-op and 1 inter-op thread.
 */
public record ScorerOptions(int intraOpThreads, int interOpThreads, int maxBatch) {

    public static final ScorerOptions DEFAULT = new ScorerOptions(0, 0, 256);

    public ScorerOptions {
        if (intraOpThreads < 0 || interOpThreads < 0 || maxBatch < 1) {
            throw new IllegalArgumentException("thread counts must be >= 0 and maxBatch >= 1");
        }
    }
}
