package org.sdmstream.cli.job;

import java.time.Duration;
import org.sdmstream.job.ingest.IngestOptions;

/**
 * The watermark alignment a job gets when it reads a replayed click log ({@code sdm demo}, {@code
 * sdm bench}).
 *
 * <p>The drift is event time, and an alignment round takes wall time: a replay more than drift /
 * round (30 times) faster than real time would be held to about one drift (or a few polls of the
 * reader) per round, and the tools would show that throttle instead of the job (an unpaced ml-100k
 * replay through the demo took 47 s to drain with the job's 30 s, scored or not; 13 s unscored and
 * 20 s scored without; docs/benchmarks.md). So the drift keeps its wall-time meaning: the job's
 * default times the speed-up, and off when event time is not paced at all.
 */
public final class ReplayAlignment {

    /** The speed-up of a replay whose event time is not paced: sent as fast as it goes. */
    public static final double UNPACED = 0;

    private ReplayAlignment() {}

    /** The alignment drift for a replay {@code speedUp} times faster than real time. */
    public static Duration driftFor(double speedUp) {
        Duration drift = IngestOptions.WATERMARK_ALIGNMENT_MAX_DRIFT.defaultValue();
        if (speedUp <= UNPACED) {
            return Duration.ZERO;
        }
        return speedUp <= 1 ? drift : Duration.ofMillis(Math.round(drift.toMillis() * speedUp));
    }
}
