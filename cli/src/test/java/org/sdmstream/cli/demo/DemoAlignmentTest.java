package org.sdmstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.ingest.IngestOptions;

/** The demo's watermark alignment follows how fast the replay runs event time. */
class DemoAlignmentTest {

    @Test
    void anUnpacedReplayRunsWithoutAlignment() {
        assertThat(DemoCommand.alignmentDrift(0)).isZero();
    }

    @Test
    void aPacedReplayKeepsTheDriftInWallTime() {
        Duration jobDefault = JobConfig.defaults().get(IngestOptions.WATERMARK_ALIGNMENT_MAX_DRIFT);
        assertThat(jobDefault).isPositive();
        assertThat(DemoCommand.alignmentDrift(1)).isEqualTo(jobDefault);
        // Slower than real time never narrows the job's own bound.
        assertThat(DemoCommand.alignmentDrift(0.25)).isEqualTo(jobDefault);
        assertThat(DemoCommand.alignmentDrift(100)).isEqualTo(jobDefault.multipliedBy(100));
    }
}
