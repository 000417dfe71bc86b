package org.sdmstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.Session;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.testing.PlantedSessions;

/**
 * Shapes, causality, prefix consistency, sampled softmax, reproducibility and resume of the trained
 * tower.
 */
class TowerBehaviourITCase {

    enum Variant {
        SDM,
        SDM_SHORT_TERM,
        YOUTUBE_DNN
    }

    private static final List<Session> SESSIONS = PlantedSessions.sessions(20, 3, 6, 30, 0.9, 3);

    @BeforeAll
    static void tensorFlowsOwnKernels() {
        // oneDNN's kernels are not bit-reproducible; model/pom.xml turns them off for surefire and
        // failsafe.
        assertThat(System.getenv("TF_ENABLE_ONEDNN_OPTS"))
                .as("TF_ENABLE_ONEDNN_OPTS")
                .isEqualTo("0");
    }

    static SdmConfig config(Variant v) {
        // One TF thread from the first session on: the CPU pool is process-wide and sized by the
        // first session.
        SdmConfig base =
                SdmTrainerITCase.tiny().toBuilder()
                        .epochs(1)
                        .dnnHiddenLayers(List.of(12))
                        .intraOpThreads(1)
                        .interOpThreads(1)
                        .build();
        return switch (v) {
            case SDM -> base;
            case SDM_SHORT_TERM -> base.withArchitecture(SdmConfig.Architecture.SDM, false);
            case YOUTUBE_DNN -> base.withArchitecture(SdmConfig.Architecture.YOUTUBE_DNN, true);
        };
    }

    private static ModelInput input(List<Integer> items, List<Integer> history) {
        return new ModelInput(
                "u1",
                "s",
                items.stream().map(k -> PlantedSessions.behavior(k, 0L)).toList(),
                history.stream().map(k -> PlantedSessions.behavior(k, 0L)).toList(),
                Map.of(),
                0L);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void laterClicksDoNotChangeEarlierVectorsAndPrefixesMatchPositions(Variant variant) {
        try (TrainedSdm model =
                SdmTrainer.train(SESSIONS, config(variant), ProgressListener.NONE)) {
            ModelInput a = input(List.of(1, 2, 3, 4, 5), List.of(7, 8));
            ModelInput b = input(List.of(1, 2, 3, 20, 21), List.of(7, 8));
            float[][][] va = model.sessionVectors(List.of(a, b));
            for (int t = 0; t < 3; t++) {
                assertThat(va[1][t]).as("position %d", t).containsExactly(va[0][t], within(1e-6f));
            }
            assertThat(distance(va[0][3], va[1][3]))
                    .as("position 3 sees the changed click")
                    .isGreaterThan(1e-4);

            // The stream's vector after click t (a prefix input) is training's position t.
            for (int t = 1; t <= 5; t++) {
                ModelInput prefix =
                        new ModelInput(
                                "u1", "s", a.session().subList(0, t), a.history(), Map.of(), 0L);
                float[] v = model.userVectors(List.of(prefix))[0];
                assertThat(v)
                        .hasSize(model.dimension())
                        .containsExactly(va[0][t - 1], within(2e-6f));
                assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
            }
            assertThat(model.itemEmbeddings()).hasNumberOfRows(model.itemIds().size());
            assertThat(model.itemEmbeddings()[0]).hasSize(model.dimension());
            assertThat(model.name()).isEqualTo(config(variant).modelName());
        }
    }

    @Test
    void historyMattersOnlyWithTheLongTermBranch() {
        try (TrainedSdm sdm =
                        SdmTrainer.train(SESSIONS, config(Variant.SDM), ProgressListener.NONE);
                TrainedSdm shortTerm =
                        SdmTrainer.train(
                                SESSIONS, config(Variant.SDM_SHORT_TERM), ProgressListener.NONE)) {
            List<ModelInput> inputs =
                    List.of(
                            input(List.of(1, 2), List.of()),
                            input(List.of(1, 2), List.of(9, 10, 11)));
            float[][] withLongTerm = sdm.userVectors(inputs);
            float[][] without = shortTerm.userVectors(inputs);
            assertThat(distance(withLongTerm[0], withLongTerm[1])).isGreaterThan(1e-4);
            assertThat(without[1]).containsExactly(without[0], within(1e-6f));
        }
    }

    @Test
    void sampledSoftmaxTrainsAndSameSeedReproducesBitForBit() {
        SdmConfig sampled =
                config(Variant.SDM).toBuilder()
                        .loss(SdmConfig.LossType.SAMPLED_SOFTMAX)
                        .negatives(8)
                        .batchSize(8)
                        .epochs(3)
                        .intraOpThreads(1)
                        .interOpThreads(1)
                        .build();
        try (TrainedSdm first = SdmTrainer.train(SESSIONS, sampled, ProgressListener.NONE);
                TrainedSdm second = SdmTrainer.train(SESSIONS, sampled, ProgressListener.NONE)) {
            List<EpochResult> e = first.epochs();
            assertThat(e.get(2).trainLoss()).isLessThan(e.get(0).trainLoss());
            assertSameTraining(second, first);
        }
    }

    @Test
    void trainingGraphAdvancesAdamsBetaPowersAfterEveryUpdate() {
        try (TrainedSdm model =
                SdmTrainer.train(SESSIONS, config(Variant.SDM), ProgressListener.NONE)) {
            OrderedAdamTest.assertPowersAdvanceAfterEveryUpdate(model.tower().graph());
        }
    }

    @Test
    void resumesFromCheckpointsAfterTheLastCompletedEpoch(@TempDir Path dir) {
        SdmConfig two =
                config(Variant.SDM).toBuilder()
                        .epochs(2)
                        .patience(0)
                        .intraOpThreads(1)
                        .interOpThreads(1)
                        .build();
        try (TrainedSdm m =
                new SdmTrainer(two)
                        .withCheckpoints(dir, false)
                        .train(SESSIONS, ProgressListener.NONE)) {
            assertThat(m.epochs()).hasSize(2);
        }
        SdmConfig four = two.toBuilder().epochs(4).build();
        try (TrainedSdm m =
                new SdmTrainer(four)
                        .withCheckpoints(dir, true)
                        .train(SESSIONS, ProgressListener.NONE)) {
            assertThat(m.epochs()).extracting(EpochResult::epoch).containsExactly(1, 2, 3, 4);
            // the resumed run is the uninterrupted run: weights, Adam state and per-epoch shuffles
            // all restored
            try (TrainedSdm straight = SdmTrainer.train(SESSIONS, four, ProgressListener.NONE)) {
                assertSameTraining(m, straight);
            }
        }
        SdmConfig other = four.toBuilder().itemEmbeddingDim(8).hiddenSize(8).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                new SdmTrainer(other)
                                        .withCheckpoints(dir, true)
                                        .train(SESSIONS, ProgressListener.NONE))
                .hasMessageContaining("cannot resume");
    }

    /**
     * Bit-identical epoch losses, user vectors and item embeddings (a different seed moves losses
     * by ~1e-1).
     */
    private static void assertSameTraining(TrainedSdm actual, TrainedSdm expected) {
        assertThat(actual.epochs()).hasSameSizeAs(expected.epochs());
        for (int e = 0; e < expected.epochs().size(); e++) {
            EpochResult a = actual.epochs().get(e);
            EpochResult x = expected.epochs().get(e);
            assertThat(a.trainLoss()).as("epoch %d train loss", x.epoch()).isEqualTo(x.trainLoss());
            assertThat(a.validationLoss())
                    .as("epoch %d validation loss", x.epoch())
                    .isEqualTo(x.validationLoss());
        }
        List<ModelInput> probes =
                List.of(
                        input(List.of(3, 4), List.of(1)),
                        input(List.of(1, 2, 3, 4, 5), List.of(7, 8)));
        float[][] vectors = actual.userVectors(probes);
        float[][] expectedVectors = expected.userVectors(probes);
        for (int i = 0; i < probes.size(); i++) {
            assertThat(vectors[i]).as("user vector %d", i).containsExactly(expectedVectors[i]);
        }
        float[][] items = actual.itemEmbeddings();
        float[][] expectedItems = expected.itemEmbeddings();
        assertThat(items).hasNumberOfRows(expectedItems.length);
        for (int i = 0; i < items.length; i++) {
            assertThat(items[i]).as("item embedding %d", i).containsExactly(expectedItems[i]);
        }
    }

    @Test
    void unseenUsersAndItemsStillGetAVector() {
        try (TrainedSdm model =
                SdmTrainer.train(SESSIONS, config(Variant.SDM), ProgressListener.NONE)) {
            ModelInput stranger =
                    new ModelInput(
                            "never-seen",
                            "s",
                            List.of(new Behavior("new-item", null, null, null, 0L)),
                            List.of(),
                            Map.of("age", "x"),
                            0L);
            float[] v = model.userVectors(List.of(stranger))[0];
            assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
        }
    }

    static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    static double norm(float[] a) {
        return distance(a, new float[a.length]);
    }
}
