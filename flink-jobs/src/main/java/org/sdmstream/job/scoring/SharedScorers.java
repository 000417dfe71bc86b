package org.sdmstream.job.scoring;

import org.sdmstream.model.scoring.BatchScorer;
import org.sdmstream.model.scoring.IncrementalSdmScorer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model per TaskManager (per job class loader), shared by every scoring subtask there
 * and reference-counted ({@link TaskManagerShared}): a model is a few hundred MB of native memory
 * and its own TF thread pools; one per slot would multiply both.
 */
public final class SharedScorers {

    private static final Logger LOG = LoggerFactory.getLogger(SharedScorers.class);

    private static final TaskManagerShared<BatchScorer> LOADED =
            new TaskManagerShared<>(
                    scorer -> {
                        // The incremental scorer's counters over the model's life say how the
                        // job's calls were scored (steps, rounds, prefix rows, session values),
                        // which the per-subtask gauges show only while the job runs.
                        if (scorer instanceof IncrementalSdmScorer incremental) {
                            LOG.info(
                                    "closing model {}: {}",
                                    scorer.modelVersion(),
                                    incremental.stats());
                        } else {
                            LOG.info("closing model {}", scorer.modelVersion());
                        }
                        scorer.close();
                    });

    private SharedScorers() {}

    /** The scorer for these settings, loaded and warmed up now if no subtask holds it. */
    public static TaskManagerShared.Lease<BatchScorer> acquire(ScoringSettings settings) {
        return LOADED.acquire(settings.sharingKey(), () -> load(settings));
    }

    private static BatchScorer load(ScoringSettings settings) {
        long started = System.nanoTime();
        BatchScorer scorer = settings.loader().apply(settings);
        try {
            // While the task is still initialising: the first real batch must not stall the stream.
            scorer.warmUp();
        } catch (RuntimeException failed) {
            scorer.close();
            throw failed;
        }
        LOG.info(
                "loaded and warmed up model {} (version {}, dimension {}) in {} ms",
                settings.modelDir(),
                scorer.modelVersion(),
                scorer.dimension(),
                (System.nanoTime() - started) / 1_000_000);
        return scorer;
    }

    /**
     * How many subtasks hold the scorer for these settings (0 when it is not loaded); for tests.
     */
    public static int references(ScoringSettings settings) {
        return LOADED.references(settings.sharingKey());
    }
}
