package org.sdmstream.model.scoring;

/**
 * TF thread pools for a loaded model: 0 leaves TF's default (all cores). The pools are process-wide
 * in practice, so a Flink TaskManager running several scorers should set them small (e.g. 1 and 1).
 */
public record ScorerOptions(int intraOpThreads, int interOpThreads, int maxBatch) {

    public static final ScorerOptions DEFAULT = new ScorerOptions(0, 0, 256);

    public ScorerOptions {
        if (intraOpThreads < 0 || interOpThreads < 0 || maxBatch < 1) {
            throw new IllegalArgumentException("thread counts must be >= 0 and maxBatch >= 1");
        }
    }
}
