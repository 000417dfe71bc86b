package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.sdmstream.system.ClickScript.HOUR;
import static org.sdmstream.system.ClickScript.MINUTE;
import static org.sdmstream.system.ClickScript.T0;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sdmstream.features.ModelInput;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.job.TinyModel;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.model.scoring.ScorerOptions;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.UserInterestVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model upgrade of the scoring job ({@code UserInterestJob} from the job jar, TensorFlow from the
 * cluster's class path): run with model v1, stop with a savepoint, resubmit from it with {@code
 * scoring.model-dir} pointing at v2. Every click gets exactly one vector across the upgrade, v1's
 * up to the savepoint and v2's after it, each equal to the offline scorer's for the offline replay
 * of all clicks, so sessions and histories carried over the savepoint.
 */
@ExtendWith(SystemUnderTest.Shared.class)
class ModelUpgradeITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpgradeITCase.class);
    private static final long PHASE = 20 * MINUTE;
    private static final int USERS = 5;

    /**
     * The clicks of phase {@code n}: the same users go on clicking, then one flush click per
     * partition.
     */
    static List<ClickEvent> phase(Random random, String prefix, int n) {
        long from = T0 + n * (PHASE + 2 * MINUTE);
        List<ClickEvent> clicks =
                new ArrayList<>(ClickScript.users(random, prefix, USERS, from, from + PHASE));
        clicks.addAll(ClickScript.flush(prefix + "-" + n, from + PHASE + MINUTE));
        return clicks;
    }

    @Test
    void resubmittingFromASavepointWithANewModelVersionKeepsStateAndSwitchesEveryVectorAfterIt(
            SystemUnderTest sut) throws Exception {
        long started = System.nanoTime();
        // Two versions of one tiny model: same data (earlier clicks of the same users and items),
        // other seeds.
        List<ClickEvent> training =
                ClickScript.users(new Random(7), "mu-train", 8, T0 - 3 * HOUR, T0 - HOUR);
        Path v1 =
                TinyModel.export(
                        training, ClickScript.RULES, sut.workDir.resolve("models/v1"), "v1", 8, 1);
        Path v2 =
                TinyModel.export(
                        training, ClickScript.RULES, sut.workDir.resolve("models/v2"), "v2", 8, 2);
        long trained = System.nanoTime();

        try (JobDeployment pipeline = new JobDeployment(sut, "model-upgrade");
                SdmScorer scorerV1 = SdmScorer.load(v1, new ScorerOptions(1, 1, 256));
                SdmScorer scorerV2 = SdmScorer.load(v2, new ScorerOptions(1, 1, 256))) {
            String vectors = pipeline.topic("user-vectors");
            pipeline.configure(KafkaOptions.USER_VECTORS_TOPIC, vectors)
                    .configure(ScoringOptions.MODEL_DIR, v1.toString());
            Random random = new Random(41);
            String job = pipeline.submit(pipeline.run(2));
            List<ClickEvent> all = new ArrayList<>(phase(random, "mu", 0));
            ClickFeeder.writeAll(sut.broker.bootstrapServers(), pipeline.records(all));
            Map<String, List<ModelInput>> beforeUpgrade = ClickScript.expectedByUser(all);
            List<UserInterestVector> v1Output =
                    JobDeployment.decode(
                            pipeline.read(vectors, ClickScript.count(beforeUpgrade)),
                            UserInterestVector.class);
            assertThat(v1Output).hasSize(ClickScript.count(beforeUpgrade));
            String savepoint = pipeline.stopWithSavepoint(job);

            // The upgrade: the same jar and job, the new model version's directory, from the
            // savepoint.
            // v2 by URI: each TaskManager copies it into its local model cache (keyed by content
            // hash) and
            // loads it from there, as it would from s3:// or hdfs://.
            pipeline.configure(ScoringOptions.MODEL_DIR, v2.toUri().toString());
            String job2 = pipeline.submit(pipeline.run(2).fromSavepoint(savepoint));
            assertThat(sut.flink.rest().checkpoints(job2).restored())
                    .as("restored from the savepoint")
                    .isEqualTo(1);
            List<ClickEvent> more = phase(random, "mu", 1);
            ClickFeeder.writeAll(sut.broker.bootstrapServers(), pipeline.records(more));
            all.addAll(more);
            Map<String, List<ModelInput>> expected = ClickScript.expectedByUser(all);
            List<UserInterestVector> output =
                    JobDeployment.decode(
                            pipeline.read(vectors, ClickScript.count(expected)),
                            UserInterestVector.class);
            pipeline.cancel(job2);

            int[] carried =
                    assertOneVectorPerClickOfTheRightVersion(
                            output, expected, beforeUpgrade, scorerV1, scorerV2);
            LOG.info(
                    "model upgrade v1 -> v2 from a savepoint: {} clicks, {} vectors ({} by v1, {} by v2), {} users went on"
                            + " with a session and {} with a history from before the savepoint; models trained in {} ms,"
                            + " whole test {} ms",
                    all.size(),
                    output.size(),
                    ClickScript.count(beforeUpgrade),
                    output.size() - ClickScript.count(beforeUpgrade),
                    carried[0],
                    carried[1],
                    SystemUnderTest.ms(started, trained),
                    SystemUnderTest.ms(started, System.nanoTime()));
        }
    }

    /**
     * Per user in click order: exactly the offline replay's model inputs (session id, lengths,
     * event time), the first ones (those the job emitted before the savepoint) by v1, the rest by
     * v2, each vector the offline scorer's of its version. Returns how many users' first vectors
     * after the savepoint continued a session, and held a history, from before it.
     */
    private static int[] assertOneVectorPerClickOfTheRightVersion(
            List<UserInterestVector> output,
            Map<String, List<ModelInput>> expected,
            Map<String, List<ModelInput>> beforeUpgrade,
            SdmScorer scorerV1,
            SdmScorer scorerV2) {
        Map<String, List<UserInterestVector>> byUser = new LinkedHashMap<>();
        output.forEach(v -> byUser.computeIfAbsent(v.getUserId(), u -> new ArrayList<>()).add(v));
        assertThat(byUser.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(output)
                .as("one vector per click, none lost or duplicated")
                .hasSize(ClickScript.count(expected));
        int sessionsCarried = 0;
        int historiesCarried = 0;
        boolean modelsDiffer = false;
        for (Map.Entry<String, List<ModelInput>> e : expected.entrySet()) {
            String user = e.getKey();
            List<ModelInput> inputs = e.getValue();
            List<UserInterestVector> actual = byUser.get(user);
            assertThat(actual).as("vectors of %s", user).hasSize(inputs.size());
            int before = beforeUpgrade.getOrDefault(user, List.of()).size();
            float[][] byV1 = scorerV1.userVectors(inputs.subList(0, before));
            float[][] byV2 = scorerV2.userVectors(inputs.subList(before, inputs.size()));
            for (int k = 0; k < inputs.size(); k++) {
                ModelInput in = inputs.get(k);
                UserInterestVector v = actual.get(k);
                String what = user + " click " + k;
                assertThat(v.getEventTime().toEpochMilli()).as(what).isEqualTo(in.eventTime());
                assertThat(v.getSessionId()).as(what).isEqualTo(in.sessionId());
                assertThat(v.getSessionLength()).as(what).isEqualTo(in.session().size());
                assertThat(v.getLongTermLength()).as(what).isEqualTo(in.history().size());
                boolean upgraded = k >= before;
                assertThat(v.getModelVersion()).as(what).isEqualTo(upgraded ? "v2" : "v1");
                float[] offline = upgraded ? byV2[k - before] : byV1[k];
                assertThat(FeatureRecords.vectorOf(v))
                        .as(what)
                        .containsExactly(offline, within(1e-5f));
                if (k == before && before > 0) {
                    sessionsCarried += in.session().size() > 1 ? 1 : 0;
                    historiesCarried += in.history().isEmpty() ? 0 : 1;
                    float[] v1Would = scorerV1.userVectors(List.of(in))[0];
                    for (int d = 0; d < offline.length; d++) {
                        modelsDiffer |= Math.abs(v1Would[d] - offline[d]) > 1e-3f;
                    }
                }
            }
        }
        // Meaningful only if state crossed the savepoint and the two versions score differently.
        assertThat(sessionsCarried)
                .as("users whose session open at the savepoint went on after it")
                .isPositive();
        assertThat(historiesCarried)
                .as("users whose first vector after the savepoint has a history from before it")
                .isPositive();
        assertThat(modelsDiffer).as("v2 gives other vectors than v1").isTrue();
        return new int[] {sessionsCarried, historiesCarried};
    }
}
