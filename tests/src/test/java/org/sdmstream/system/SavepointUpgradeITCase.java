package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.system.ClickScript.HOUR;
import static org.sdmstream.system.ClickScript.MINUTE;
import static org.sdmstream.system.ClickScript.T0;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sdmstream.job.JobOptions;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.job.sessionizer.SessionizerOptions;
import org.sdmstream.local.flink.JarRun;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.wire.AvroCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Planned operations on a running job: stop with a savepoint and resubmit at another parallelism (1
 * → 2 → 1), and resubmit from a savepoint with {@code flink run -s} (the jar sent again) and
 * changed job configuration (the upgrade path), then cancel and resume from the last retained
 * checkpoint. Every user's open session and history carry over: the output of the whole sequence is
 * exactly that of one uninterrupted run.
 */
@ExtendWith(SystemUnderTest.Shared.class)
class SavepointUpgradeITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SavepointUpgradeITCase.class);
    private static final long PHASE = 2 * HOUR;

    /**
     * The clicks of phase {@code n}: the same users go on clicking (sessions open at the end of the
     * previous phase continue), then one flush click per partition moves the watermark past them.
     */
    static List<ClickEvent> phase(Random random, String prefix, int n) {
        long from = T0 + n * (PHASE + 2 * MINUTE);
        List<ClickEvent> clicks =
                new ArrayList<>(ClickScript.users(random, prefix, 16, from, from + PHASE));
        clicks.addAll(ClickScript.flush(prefix + "-" + n, from + PHASE + MINUTE));
        return clicks;
    }

    /**
     * On the scoring job (a real tiny model) writing session features too ({@code
     * output.session-features=true}): one run checks both outputs, the vectors against the offline
     * scorer. Converted rather than parameterised over the two jobs: the session-features job is
     * the same stateful graph without the stateless scorer, and a second run would add over a
     * minute of system-test time.
     */
    @Test
    void stopWithSavepointAndRescaleOneToTwoToOneCarriesEverySessionOver(SystemUnderTest sut)
            throws Exception {
        long started = System.nanoTime();
        try (JobDeployment pipeline =
                        new JobDeployment(sut, "rescale")
                                .withDefaultIdleness()
                                .scoring(sut.tinyModel());
                SdmScorer scorer = Expectations.offlineScorer(sut.tinyModel())) {
            pipeline.configure(ScoringOptions.SESSION_FEATURES_OUTPUT, ScoringOptions.Switch.TRUE);
            Random random = new Random(21);
            List<ClickEvent> all = new ArrayList<>();
            String savepoint = null;
            String job = null;
            int[] parallelism = {1, 2, 1};
            for (int n = 0; n < parallelism.length; n++) {
                if (job != null) {
                    savepoint = pipeline.stopWithSavepoint(job);
                }
                job =
                        pipeline.submit(
                                savepoint == null
                                        ? pipeline.run(parallelism[n])
                                        : pipeline.run(parallelism[n]).fromSavepoint(savepoint));
                List<ClickEvent> clicks = phase(random, "rescale", n);
                ClickFeeder.writeAll(sut.broker.bootstrapServers(), pipeline.records(clicks));
                all.addAll(clicks);
                int expected = ClickScript.count(ClickScript.expectedByUser(all));
                List<ConsumerRecord<byte[], byte[]>> output = pipeline.readFeatures(expected);
                Expectations.Checked checked = Expectations.assertExactlyOffline(output, all);
                Expectations.assertVectorsExactlyOffline(
                        pipeline.readVectors(expected), all, scorer);
                LOG.info(
                        "rescale phase {} at parallelism {}: {} session features and as many vectors exactly as offline",
                        n,
                        parallelism[n],
                        checked.records());
            }
            pipeline.cancel(job);
            assertSessionsAndHistoriesCrossedTheSavepoints(pipeline);
            LOG.info(
                    "savepoint + rescale 1 -> 2 -> 1: {} clicks, {} ms",
                    all.size(),
                    SystemUnderTest.ms(started, System.nanoTime()));
        }
    }

    @Test
    void upgradeFromSavepointWithNewJarAndConfigurationKeepsAllState(SystemUnderTest sut)
            throws Exception {
        long started = System.nanoTime();
        try (JobDeployment pipeline = new JobDeployment(sut, "upgrade")) {
            Random random = new Random(22);
            String job = pipeline.submit(pipeline.run(2));
            List<ClickEvent> all = new ArrayList<>(phase(random, "upgrade", 0));
            ClickFeeder.writeAll(sut.broker.bootstrapServers(), pipeline.records(all));
            Expectations.assertExactlyOffline(
                    pipeline.readFeatures(ClickScript.count(ClickScript.expectedByUser(all))), all);
            String savepoint = pipeline.stopWithSavepoint(job);

            // The new version, submitted with the command line (`flink run -d -s <savepoint> -c ...
            // <jar> key=value...`):
            // the jar travels again, and configuration changes that leave state alone.
            // (The scoring job's upgrade to a new model version from a savepoint:
            // ModelUpgradeITCase.)
            pipeline.configure(JobOptions.JOB_NAME, "sdm-upgrade-v2")
                    .configure(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2))
                    .configure(SessionizerOptions.MAX_PENDING_CLICKS, 2000)
                    .configure(IngestOptions.MAX_FUTURE, Duration.ofHours(2));
            JarRun upgrade = pipeline.run(2).fromSavepoint(savepoint);
            String job2 = pipeline.adopt(sut.flink.cli().run(sut.jobJar, upgrade), upgrade);
            assertThat(sut.flink.rest().checkpoints(job2).restored())
                    .as("restored from the savepoint")
                    .isEqualTo(1);
            List<ClickEvent> more = phase(random, "upgrade", 1);
            ClickFeeder.writeAll(sut.broker.bootstrapServers(), pipeline.records(more));
            all.addAll(more);
            Expectations.Checked checked =
                    Expectations.assertExactlyOffline(
                            pipeline.readFeatures(
                                    ClickScript.count(ClickScript.expectedByUser(all))),
                            all);
            assertThat(sut.flink.rest().jobs()).containsEntry(job2, "RUNNING");

            // No savepoint at hand (a failed stop, a cancelled job): resume from the last retained
            // checkpoint.
            sut.flink
                    .rest()
                    .awaitCheckpointAfter(
                            job2,
                            sut.flink.rest().checkpoints(job2).latestId(),
                            Duration.ofMinutes(1));
            pipeline.cancel(job2);
            String checkpoint = sut.flink.rest().checkpoints(job2).latestPath();
            assertThat(checkpoint).as("retained checkpoint of the cancelled job").contains("chk-");
            String job3 = pipeline.submit(pipeline.run(1).fromSavepoint(checkpoint));
            List<ClickEvent> last = phase(random, "upgrade", 2);
            ClickFeeder.writeAll(sut.broker.bootstrapServers(), pipeline.records(last));
            all.addAll(last);
            Expectations.Checked afterCheckpoint =
                    Expectations.assertExactlyOffline(
                            pipeline.readFeatures(
                                    ClickScript.count(ClickScript.expectedByUser(all))),
                            all);
            pipeline.cancel(job3);
            assertSessionsAndHistoriesCrossedTheSavepoints(pipeline);
            LOG.info(
                    "upgrade from savepoint (flink run -s, new config): {} records, then cancel and resume from {}: {} records,"
                            + " exactly as offline, {} ms",
                    checked.records(),
                    checkpoint,
                    afterCheckpoint.records(),
                    SystemUnderTest.ms(started, System.nanoTime()));
        }
    }

    /**
     * The scenario is only meaningful if some session spans a savepoint and some history reaches
     * back over one.
     */
    private static void assertSessionsAndHistoriesCrossedTheSavepoints(JobDeployment pipeline) {
        AvroCodec<SessionFeatures> codec = AvroCodec.of(SessionFeatures.class);
        long phase1 = T0 + PHASE + 2 * MINUTE;
        boolean sessionCarried = false;
        boolean historyCarried = false;
        for (ConsumerRecord<byte[], byte[]> r : pipeline.read(pipeline.features, 0)) {
            SessionFeatures f = codec.decode(r.value());
            if (f.getEventTime().toEpochMilli() >= phase1) {
                sessionCarried |=
                        f.getSessionClicks().get(0).getEventTime().toEpochMilli() < phase1;
                historyCarried |=
                        !f.getHistory().isEmpty()
                                && f.getHistory().get(0).getEventTime().toEpochMilli() < phase1;
            }
        }
        assertThat(sessionCarried).as("a session open at the savepoint went on after it").isTrue();
        assertThat(historyCarried)
                .as("a history after the savepoint holds clicks from before it")
                .isTrue();
    }
}
