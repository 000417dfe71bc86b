package org.sdmstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SdmCommandTest {

    @Test
    void withoutACommandItIsAUsageError() {
        CommandRun run = CommandRun.sdm();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("missing command").contains("sessions");
    }

    @Test
    void helpListsTheSubcommandsAndExitCodes() {
        CommandRun run = CommandRun.sdm("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("sessions", "Exit codes:", "2", "usage error");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        CommandRun run = CommandRun.sdm("sessions", "--frobnicate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void versionIsPrinted() {
        CommandRun run = CommandRun.sdm("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("sdm ");
    }
}
