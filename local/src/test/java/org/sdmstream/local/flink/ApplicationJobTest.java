package org.sdmstream.local.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplicationJobTest {

    @Test
    void theEntryPointGetsTheJobClassThenTheSavepointThenTheProgramArguments() {
        ApplicationJob job =
                ApplicationJob.of(Path.of("job.jar"), "org.example.Job", List.of("a=1", "b=2"));

        assertThat(job.entryPointArguments())
                .containsExactly("--job-classname", "org.example.Job", "a=1", "b=2");
        assertThat(job.fromSavepoint("file:///sp/savepoint-1").entryPointArguments())
                .containsExactly(
                        "--job-classname",
                        "org.example.Job",
                        "--fromSavepoint",
                        "file:///sp/savepoint-1",
                        "a=1",
                        "b=2");
    }

    @Test
    void freePortRangesLieBelowTheEphemeralPorts() {
        int first = FlinkClusterConfig.freePorts(3);

        assertThat(first).isBetween(20_000, 31_997);
    }
}
