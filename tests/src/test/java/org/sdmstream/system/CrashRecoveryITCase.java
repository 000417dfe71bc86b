package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.system.ClickScript.HOUR;
import static org.sdmstream.system.ClickScript.MINUTE;
import static org.sdmstream.system.ClickScript.SECOND;
import static org.sdmstream.system.ClickScript.T0;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sdmstream.job.JobOptions;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.local.flink.CheckpointStats;
import org.sdmstream.local.flink.FlinkProcess;
import org.sdmstream.local.flink.FlinkRestClient;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.UserInterestVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults while clicks flow, on real processes: the TaskManager is killed with SIGKILL and replaced,
 * the Kafka broker is stopped and started again. Either way the job recovers by itself from its
 * last checkpoint, and the committed output is exactly that of a run without the fault. The job
 * runs with its default watermark idleness (1 min): clicks flow without pauses here.
 *
 * <p>Every fault runs on the scoring job (a real tiny model), which with {@code
 * output.session-features=true} writes the session features too: one run checks both outputs
 * against the offline replay (vectors against the offline scorer). Converted rather than
 * parameterised over the two jobs: the session-features job is the same graph without the stateless
 * scorer, and running each fault twice would add a couple of minutes of system-test time for no
 * path the scoring job does not already walk.
 */
@ExtendWith(SystemUnderTest.Shared.class)
class CrashRecoveryITCase {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryITCase.class);
    private static final int CLICKS_PER_SECOND = 400;

    /**
     * Checkpoints (and so scoring-batch flushes) of the mid-batch kill test: far apart next to the
     * few seconds around the kill.
     */
    private static final Duration BARRIER_INTERVAL = Duration.ofSeconds(10);

    /**
     * Slower, so clicks still flow a checkpoint interval after a third of them was sent (the kill
     * needs them in flight).
     */
    private static final int MID_BATCH_CLICKS_PER_SECOND = 150;

    static List<ClickEvent> workload(long seed, String prefix) {
        return workload(seed, prefix, 24);
    }

    /**
     * {@code users} users clicking for four hours of event time (about 100 clicks each), then a
     * flush.
     */
    static List<ClickEvent> workload(long seed, String prefix, int users) {
        List<ClickEvent> clicks =
                new ArrayList<>(
                        ClickScript.users(new Random(seed), prefix, users, T0, T0 + 4 * HOUR));
        clicks.addAll(ClickScript.flush(prefix, T0 + 4 * HOUR + MINUTE));
        return clicks;
    }

    /**
     * The scoring job writing session features too ({@code output.session-features=true}), so one
     * run checks both outputs. Batches wait for the next checkpoint barrier (which always flushes
     * them) instead of 5 ms, and barriers come every {@link #BARRIER_INTERVAL}: the kill lands
     * while the scorer holds a batch, and the test proves it did (from the scorer's metrics and the
     * checkpoint ids).
     */
    @Test
    void killedTaskManagerMidBatchIsReplacedAndNoClickIsLostOrDuplicatedOnTheScoringJob(
            SystemUnderTest sut) throws Exception {
        long started = System.nanoTime();
        try (JobDeployment pipeline =
                        new JobDeployment(sut, "crash-tm")
                                .withDefaultIdleness()
                                .scoring(sut.tinyModel());
                SdmScorer scorer = Expectations.offlineScorer(sut.tinyModel())) {
            pipeline.configure(ScoringOptions.SESSION_FEATURES_OUTPUT, ScoringOptions.Switch.TRUE)
                    .configure(ScoringOptions.BATCH_MAX_DELAY, Duration.ofHours(1))
                    .configure(ScoringOptions.BATCH_MAX_SIZE, 10_000)
                    .configure(JobOptions.CHECKPOINT_INTERVAL, BARRIER_INTERVAL);
            FlinkRestClient rest = sut.flink.rest();
            List<ClickEvent> clicks = workload(11, "crash", 48);
            String job = pipeline.submit(pipeline.run(2));
            rest.awaitCheckpointAfter(job, 0, Duration.ofMinutes(1));
            ScorerMetrics scorerMetrics = ScorerMetrics.of(rest, job, Duration.ofMinutes(1));
            CheckpointStats before;
            ScorerMetrics.Sample atKill;
            try (ClickFeeder feeder =
                    ClickFeeder.start(
                            sut.broker.bootstrapServers(),
                            pipeline.records(clicks),
                            MID_BATCH_CLICKS_PER_SECOND)) {
                feeder.awaitSent(clicks.size() / 3, Duration.ofMinutes(2));
                // The kill lands while clicks flow, after a checkpoint that holds some of them,
                // long before the next barrier.
                before =
                        rest.awaitCheckpointAfter(
                                job, rest.checkpoints(job).latestId(), Duration.ofMinutes(1));
                atKill = scorerMetrics.freshSample(Duration.ofSeconds(5));

                FlinkProcess victim = sut.flink.taskManagers().get(0);
                long killedAt = System.nanoTime();
                sut.flink.killTaskManager(victim);
                LOG.info(
                        "killed {} (pid {}) after checkpoint {}, {} of {} clicks sent, scorer {}",
                        victim.name(),
                        victim.pid(),
                        before.latestId(),
                        feeder.sent(),
                        clicks.size(),
                        atKill);
                rest.awaitNotRunning(job, Duration.ofMinutes(1));
                FlinkProcess replacement = sut.flink.startTaskManager();
                rest.awaitRunning(job, Duration.ofMinutes(3));
                LOG.info(
                        "{} registered; job running again {} ms after the kill",
                        replacement.name(),
                        SystemUnderTest.ms(killedAt, System.nanoTime()));
                feeder.await(Duration.ofMinutes(3));
            }
            CheckpointStats firstAfterRestore =
                    rest.awaitCheckpointAfter(job, before.latestId(), Duration.ofMinutes(1));

            int expected = ClickScript.count(ClickScript.expectedByUser(clicks));
            var output = pipeline.readFeatures(expected);
            Expectations.assertExactlyOffline(output, clicks);
            Expectations.assertVectorsExactlyOffline(
                    pipeline.readVectors(expected), clicks, scorer);
            CheckpointStats after = rest.checkpoints(job);
            assertThat(after.restored())
                    .as("the job restored from a checkpoint")
                    .isGreaterThanOrEqualTo(1);
            // Mid-batch, checked: after checkpoint C's barrier the scorer held inputs (a fresh
            // reading), the job restored
            // from C, and no checkpoint was even triggered between C and the kill (the first one
            // after the restore is
            // C + 1), so no barrier flushed that batch before the kill: the kill found it
            // non-empty.
            assertThat(atKill.buffered())
                    .as("inputs in the scorer's batch just before the kill (%s)", atKill)
                    .isPositive();
            assertThat(after.restoredId())
                    .as("restored from the checkpoint before the kill")
                    .isEqualTo(before.latestId());
            assertThat(firstAfterRestore.latestId())
                    .as("first checkpoint after the restore")
                    .isEqualTo(before.latestId() + 1);
            assertThat(pipeline.readDeadLetters(0)).isEmpty();
            assertThat(pipeline.readLate(0)).isEmpty();
            pipeline.cancel(job);
            LOG.info(
                    "TaskManager crash mid-batch (scoring job): {} clicks, {} session features and as many vectors exactly once,"
                            + " {} inputs in the scorer's batch at the kill, {} restores, {} ms",
                    clicks.size(),
                    output.size(),
                    atKill.buffered(),
                    after.restored(),
                    SystemUnderTest.ms(started, System.nanoTime()));
        }
    }

    /**
     * A backlog of busy users: one heavy user alone on its partition (a click every 300 ms) and
     * light users, four times as many clicks per second of event time, on the other. After the
     * restore the heavy partition is read four times faster in event time, so without alignment and
     * spill the heavy user's clicks pile up far past pending.max-clicks (they became
     * PENDING_OVERFLOW dead letters).
     */
    static List<ClickEvent> backlogWorkload(long seed, String prefix) {
        Random random = new Random(seed);
        long from = T0;
        long to = T0 + 15 * MINUTE;
        String heavy = prefix + "-heavy";
        List<ClickEvent> clicks = new ArrayList<>();
        for (long t = from; t < to; t += 300) {
            clicks.add(ClickScript.click(heavy, "item-" + random.nextInt(500), t, null));
        }
        int light = 0;
        for (int u = 0; light < 40; u++) {
            String user = prefix + "-light-" + u;
            if (ClickScript.partitionOf(user) == ClickScript.partitionOf(heavy)) {
                continue;
            }
            light++;
            for (long t = from + random.nextInt(3000); t < to; t += SECOND + random.nextInt(4000)) {
                clicks.add(
                        ClickScript.click(
                                user,
                                "item-" + random.nextInt(500),
                                t,
                                random.nextInt(4) == 0 ? user + "-sdk" : null));
            }
        }
        clicks = ClickScript.sortByTime(clicks);
        clicks.addAll(ClickScript.flush(prefix, to + MINUTE));
        return clicks;
    }

    @Test
    void killedTaskManagerWithABacklogOfBusyUsersLosesNoClickOnTheScoringJob(SystemUnderTest sut)
            throws Exception {
        long started = System.nanoTime();
        // The job's defaults: pending.max-clicks, watermark idleness and alignment, scoring
        // batches.
        try (JobDeployment pipeline =
                        new JobDeployment(sut, "crash-backlog")
                                .withDefaultIdleness()
                                .scoring(sut.tinyModel());
                SdmScorer scorer = Expectations.offlineScorer(sut.tinyModel())) {
            FlinkRestClient rest = sut.flink.rest();
            List<ClickEvent> clicks = backlogWorkload(13, "backlog");
            List<ClickEvent> live = clicks.subList(0, clicks.size() / 4);
            String job = pipeline.submit(pipeline.run(2));
            rest.awaitCheckpointAfter(job, 0, Duration.ofMinutes(1));
            int sentBeforeKill;
            long killedAtMillis;
            try (ClickFeeder feeder =
                    ClickFeeder.start(
                            sut.broker.bootstrapServers(),
                            pipeline.records(live),
                            CLICKS_PER_SECOND)) {
                feeder.awaitSent(live.size() / 2, Duration.ofMinutes(2));
                rest.awaitCheckpointAfter(
                        job, rest.checkpoints(job).latestId(), Duration.ofMinutes(1));
                // The kill lands while vectors are being scored, a checkpoint behind them.
                sentBeforeKill = feeder.sent();
                killedAtMillis = System.currentTimeMillis();
                sut.flink.killTaskManager(sut.flink.taskManagers().get(0));
                feeder.await(Duration.ofMinutes(2));
            }
            rest.awaitNotRunning(job, Duration.ofMinutes(1));
            // The backlog builds up while no TaskManager runs; the replacement finds it all at
            // once.
            ClickFeeder.writeAll(
                    sut.broker.bootstrapServers(),
                    pipeline.records(clicks.subList(live.size(), clicks.size())));
            sut.flink.startTaskManager();
            rest.awaitRunning(job, Duration.ofMinutes(3));

            int expected = ClickScript.count(ClickScript.expectedByUser(clicks));
            List<UserInterestVector> output = pipeline.readVectors(expected);
            assertThat(pipeline.readDeadLetters(0)).as("dead letters").isEmpty();
            assertThat(pipeline.readLate(0)).as("late clicks").isEmpty();
            Expectations.assertVectorsExactlyOffline(output, clicks, scorer);
            assertThat(rest.checkpoints(job).restored())
                    .as("the job restored from a checkpoint")
                    .isGreaterThanOrEqualTo(1);
            // Mid-stream, checked: vectors were committed before the kill, and clicks sent before
            // it were scored again after it.
            long before =
                    output.stream()
                            .filter(v -> v.getEmissionTime().toEpochMilli() < killedAtMillis)
                            .count();
            java.util.Set<String> sentEarly = new java.util.HashSet<>();
            live.subList(0, sentBeforeKill)
                    .forEach(c -> sentEarly.add(c.getUserId() + "@" + c.getEventTime()));
            long rescored =
                    output.stream()
                            .filter(v -> v.getEmissionTime().toEpochMilli() > killedAtMillis)
                            .filter(v -> sentEarly.contains(v.getUserId() + "@" + v.getEventTime()))
                            .count();
            assertThat(before).as("vectors emitted before the kill").isPositive();
            assertThat(rescored).as("clicks sent before the kill, scored after it").isPositive();
            pipeline.cancel(job);
            LOG.info(
                    "TaskManager crash with a backlog (scoring job, defaults): {} clicks ({} after the kill as one backlog),"
                            + " {} vectors exactly offline, {} emitted before the kill, {} re-scored after it, 0 dead letters, {} ms",
                    clicks.size(),
                    clicks.size() - live.size(),
                    output.size(),
                    before,
                    rescored,
                    SystemUnderTest.ms(started, System.nanoTime()));
        }
    }

    /**
     * On the scoring job writing session features too, as the mid-batch kill above: both outputs
     * checked.
     */
    @Test
    void brokerRestartMidStreamIsRecoveredWithoutLossOrDuplicates(SystemUnderTest sut)
            throws Exception {
        long started = System.nanoTime();
        try (JobDeployment pipeline =
                        new JobDeployment(sut, "crash-broker")
                                .withDefaultIdleness()
                                .scoring(sut.tinyModel());
                SdmScorer scorer = Expectations.offlineScorer(sut.tinyModel())) {
            pipeline.configure(ScoringOptions.SESSION_FEATURES_OUTPUT, ScoringOptions.Switch.TRUE);
            FlinkRestClient rest = sut.flink.rest();
            List<ClickEvent> clicks = workload(12, "broker");
            String job = pipeline.submit(pipeline.run(2));
            rest.awaitCheckpointAfter(job, 0, Duration.ofMinutes(1));
            try (ClickFeeder feeder =
                    ClickFeeder.start(
                            sut.broker.bootstrapServers(),
                            pipeline.records(clicks),
                            CLICKS_PER_SECOND)) {
                feeder.awaitSent(clicks.size() / 3, Duration.ofMinutes(2));
                long stoppedAt = System.nanoTime();
                sut.broker.restart();
                LOG.info(
                        "broker restarted in {} ms, {} of {} clicks sent",
                        SystemUnderTest.ms(stoppedAt, System.nanoTime()),
                        feeder.sent(),
                        clicks.size());
                feeder.await(Duration.ofMinutes(3));
            }
            rest.awaitRunning(job, Duration.ofMinutes(3));

            int expected = ClickScript.count(ClickScript.expectedByUser(clicks));
            var output = pipeline.readFeatures(expected);
            Expectations.assertExactlyOffline(output, clicks);
            Expectations.assertVectorsExactlyOffline(
                    pipeline.readVectors(expected), clicks, scorer);
            assertThat(rest.jobStatus(job).isFullyRunning()).isTrue();
            CheckpointStats after = rest.checkpoints(job);
            pipeline.cancel(job);
            LOG.info(
                    "broker restart (scoring job): {} clicks, {} session features and as many vectors exactly once, {} restores,"
                            + " {} ms",
                    clicks.size(),
                    output.size(),
                    after.restored(),
                    SystemUnderTest.ms(started, System.nanoTime()));
        }
    }
}
