package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.testing.PlantedSessions;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;

/**
 * The step reproduces the full tower at the default sizes (D=64, 4 heads, T=50, L=20), every
 * position.
 */
class IncrementalSdmScorerDefaultDimsITCase {

    @TempDir Path tmp;

    @Test
    void everyPositionMatchesTheFullTowerAtDefaultSizes() {
        Path dir = tmp.resolve("sdm");
        try (TrainedSdm model =
                new SdmTrainer(SdmConfig.builder().epochs(1).build())
                        .train(
                                PlantedSessions.sessions(4, 1, 6, 30, 0.8, 4),
                                ProgressListener.NONE)) {
            SavedModelExporter.export(model, dir, "default-dims", Map.of());
        }
        Random r = new Random(21);
        List<ModelInput> stream = new ArrayList<>();
        for (int length : new int[] {50, 23, 1, 9}) {
            stream.addAll(
                    IncrementalSdmScorerITCase.session(r, "u" + length, "s", length).inputs());
        }
        // the 50-click user has a history longer than L=20 (truncated to its most recent 20)
        List<org.sdmstream.features.Behavior> history = new ArrayList<>();
        for (int h = 0; h < 25; h++) {
            history.add(PlantedSessions.behavior(h % 30, h));
        }
        for (int j = 0; j < 50; j++) {
            ModelInput in = stream.get(j);
            stream.set(
                    j,
                    new ModelInput(
                            in.userId(),
                            in.sessionId(),
                            in.session(),
                            history,
                            in.profile(),
                            in.eventTime()));
        }
        List<ModelInput> interleaved =
                IncrementalSdmScorerITCase.interleave(
                        List.of(
                                new IncrementalSdmScorerITCase.UserSession(
                                        "a", stream.subList(0, 50)),
                                new IncrementalSdmScorerITCase.UserSession(
                                        "b", stream.subList(50, 73)),
                                new IncrementalSdmScorerITCase.UserSession(
                                        "c", stream.subList(73, 74)),
                                new IncrementalSdmScorerITCase.UserSession(
                                        "d", stream.subList(74, 83))),
                        r);
        float[][] expected;
        try (SdmBatchScorer full = SdmBatchScorer.load(dir, new ScorerOptions(1, 1, 256))) {
            expected = full.score(interleaved);
        }
        List<float[]> actual = new ArrayList<>();
        try (IncrementalSdmScorer scorer =
                IncrementalSdmScorer.load(
                        dir, new IncrementalScorerOptions(new ScorerOptions(1, 1, 256), 1 << 20))) {
            assertThat(scorer.stepDimensions())
                    .isEqualTo(
                            new ModelSignature.StepDimensions(
                                    new ModelSignature.Dimensions(50, 20, 1, 64), 4, 16));
            for (int from = 0; from < interleaved.size(); from += 5) {
                actual.addAll(
                        List.of(
                                scorer.score(
                                        interleaved.subList(
                                                from, Math.min(interleaved.size(), from + 5)))));
            }
            assertThat(scorer.stats().steps() + scorer.stats().prefixInputs())
                    .isEqualTo(interleaved.size());
        }
        IncrementalSdmScorerITCase.assertSameVectors(actual.toArray(new float[0][]), expected);
    }
}
