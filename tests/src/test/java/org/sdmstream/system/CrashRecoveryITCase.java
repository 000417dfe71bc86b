package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.system.ClickScript.HOUR;
import static org.sdmstream.system.ClickScript.MINUTE;
import static org.sdmstream.system.ClickScript.T0;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sdmstream.local.flink.CheckpointStats;
import org.sdmstream.local.flink.FlinkProcess;
import org.sdmstream.local.flink.FlinkRestClient;
import org.sdmstream.records.ClickEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults while clicks flow, on real processes: the TaskManager is killed with SIGKILL and replaced,
 * the Kafka broker is stopped and started again. Either way the job recovers by itself from its last
 * checkpoint, and the committed output is exactly that of a run without the fault.
 */
@ExtendWith(SystemUnderTest.Shared.class)
class CrashRecoveryITCase {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryITCase.class);
    private static final int CLICKS_PER_SECOND = 400;

    static List<ClickEvent> workload(long seed, String prefix) {
        List<ClickEvent> clicks = new ArrayList<>(ClickScript.users(new Random(seed), prefix, 24, T0, T0 + 4 * HOUR));
        clicks.addAll(ClickScript.flush(prefix, T0 + 4 * HOUR + MINUTE));
        return clicks;
    }

    @Test
    void killedTaskManagerIsReplacedAndNoClickIsLostOrDuplicated(SystemUnderTest sut) throws Exception {
        long started = System.nanoTime();
        try (JobDeployment pipeline = new JobDeployment(sut, "crash-tm")) {
            FlinkRestClient rest = sut.flink.rest();
            List<ClickEvent> clicks = workload(11, "crash");
            String job = pipeline.submit(pipeline.run(2));
            rest.awaitCheckpointAfter(job, 0, Duration.ofMinutes(1));
            try (ClickFeeder feeder = ClickFeeder.start(sut.broker.bootstrapServers(), pipeline.records(clicks), CLICKS_PER_SECOND)) {
                feeder.awaitSent(clicks.size() / 3, Duration.ofMinutes(2));
                // The kill lands while clicks flow, after a checkpoint that holds some of them.
                CheckpointStats before = rest.awaitCheckpointAfter(job, rest.checkpoints(job).latestId(), Duration.ofMinutes(1));

                FlinkProcess victim = sut.flink.taskManagers().get(0);
                long killedAt = System.nanoTime();
                sut.flink.killTaskManager(victim);
                LOG.info("killed {} (pid {}) after checkpoint {}, {} of {} clicks sent", victim.name(), victim.pid(),
                        before.latestId(), feeder.sent(), clicks.size());
                rest.awaitNotRunning(job, Duration.ofMinutes(1));
                FlinkProcess replacement = sut.flink.startTaskManager();
                rest.awaitRunning(job, Duration.ofMinutes(3));
                LOG.info("{} registered; job running again {} ms after the kill", replacement.name(),
                        SystemUnderTest.ms(killedAt, System.nanoTime()));
                feeder.await(Duration.ofMinutes(3));
            }

            int expected = ClickScript.count(ClickScript.expectedByUser(clicks));
            var output = pipeline.readFeatures(expected);
            Expectations.assertExactlyOffline(output, clicks);
            CheckpointStats after = rest.checkpoints(job);
            assertThat(after.restored()).as("the job restored from a checkpoint").isGreaterThanOrEqualTo(1);
            assertThat(pipeline.readDeadLetters(0)).isEmpty();
            assertThat(pipeline.readLate(0)).isEmpty();
            pipeline.cancel(job);
            LOG.info("TaskManager crash: {} clicks, {} records exactly once, {} restores, {} ms", clicks.size(), output.size(),
                    after.restored(), SystemUnderTest.ms(started, System.nanoTime()));
        }
    }

    @Test
    void brokerRestartMidStreamIsRecoveredWithoutLossOrDuplicates(SystemUnderTest sut) throws Exception {
        long started = System.nanoTime();
        try (JobDeployment pipeline = new JobDeployment(sut, "crash-broker")) {
            FlinkRestClient rest = sut.flink.rest();
            List<ClickEvent> clicks = workload(12, "broker");
            String job = pipeline.submit(pipeline.run(2));
            rest.awaitCheckpointAfter(job, 0, Duration.ofMinutes(1));
            try (ClickFeeder feeder = ClickFeeder.start(sut.broker.bootstrapServers(), pipeline.records(clicks), CLICKS_PER_SECOND)) {
                feeder.awaitSent(clicks.size() / 3, Duration.ofMinutes(2));
                long stoppedAt = System.nanoTime();
                sut.broker.restart();
                LOG.info("broker restarted in {} ms, {} of {} clicks sent", SystemUnderTest.ms(stoppedAt, System.nanoTime()),
                        feeder.sent(), clicks.size());
                feeder.await(Duration.ofMinutes(3));
            }
            rest.awaitRunning(job, Duration.ofMinutes(3));

            int expected = ClickScript.count(ClickScript.expectedByUser(clicks));
            var output = pipeline.readFeatures(expected);
            Expectations.assertExactlyOffline(output, clicks);
            assertThat(rest.jobStatus(job).isFullyRunning()).isTrue();
            CheckpointStats after = rest.checkpoints(job);
            pipeline.cancel(job);
            LOG.info("broker restart: {} clicks, {} records exactly once, {} restores, {} ms", clicks.size(), output.size(),
                    after.restored(), SystemUnderTest.ms(started, System.nanoTime()));
        }
    }
}
