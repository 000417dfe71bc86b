package org.sdmstream.cli.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.ingest.IngestOptions;

/** A replay's watermark alignment follows how fast the replay runs event time. */
class ReplayAlignmentTest {

    @Test
    void anUnpacedReplayRunsWithoutAlignment() {
        assertThat(ReplayAlignment.driftFor(0)).isZero();
    }

    @Test
    void aPacedReplayKeepsTheDriftInWallTime() {
        Duration jobDefault = JobConfig.defaults().get(IngestOptions.WATERMARK_ALIGNMENT_MAX_DRIFT);
        assertThat(jobDefault).isPositive();
        assertThat(ReplayAlignment.driftFor(1)).isEqualTo(jobDefault);
        // Slower than real time never narrows the job's own bound.
        assertThat(ReplayAlignment.driftFor(0.25)).isEqualTo(jobDefault);
        assertThat(ReplayAlignment.driftFor(100)).isEqualTo(jobDefault.multipliedBy(100));
    }
}
