package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.SessionRules;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.training.ProgressListener;

class ModelLineupTest {

    private final ModelLineup.Settings settings =
            new ModelLineup.Settings(
                    SdmConfig.builder().epochs(3).build(),
                    ItemCoOccurrenceRecommender.Config.DEFAULT,
                    ProgressListener.NONE);

    @Test
    void knowsTheBaselinesAndTheThreeNeuralModelsInReportOrder() {
        ModelLineup lineup = ModelLineup.standard();
        assertThat(lineup.names())
                .containsExactly("popular", "itemcf", "youtubednn", "sdm-short", "sdm");
        assertThat(lineup.select(List.of("sdm", "popular"), settings))
                .extracting(RecommenderFactory::name)
                .containsExactly("sdm", "popular");
        assertThatThrownBy(() -> lineup.select(List.of("sdm", "bert4rec"), settings))
                .hasMessageContaining("[bert4rec]")
                .hasMessageContaining("known: popular,itemcf");
    }

    @Test
    void neuralModelsDifferOnlyInTheTower() {
        SdmConfig base = settings.neural();
        SdmConfig sdm = NeuralModelFactory.sdm(base, ProgressListener.NONE).config();
        SdmConfig shortTerm = NeuralModelFactory.sdmShortTerm(base, ProgressListener.NONE).config();
        SdmConfig youTube = NeuralModelFactory.youTubeDnn(base, ProgressListener.NONE).config();

        assertThat(sdm.architecture()).isEqualTo(SdmConfig.Architecture.SDM);
        assertThat(sdm.longTerm()).isTrue();
        assertThat(shortTerm.architecture()).isEqualTo(SdmConfig.Architecture.SDM);
        assertThat(shortTerm.longTerm()).isFalse();
        assertThat(youTube.architecture()).isEqualTo(SdmConfig.Architecture.YOUTUBE_DNN);
        for (SdmConfig c : List.of(sdm, shortTerm, youTube)) {
            assertThat(
                            c.toBuilder()
                                    .architecture(base.architecture())
                                    .longTerm(base.longTerm())
                                    .build())
                    .isEqualTo(base);
        }
    }

    @Test
    void trainingProfilesAreTheLatestNonEmptyOnePerUser() {
        Click first = new Click("u", null, Behavior.ofItem("a", 1), Map.of("age", "18"));
        Click later = new Click("u", null, Behavior.ofItem("b", 2), Map.of("age", "25"));
        Click bare = new Click("u", null, Behavior.ofItem("c", 3));
        Click other = new Click("v", null, Behavior.ofItem("a", 1));
        // log order differs from event time: the profile follows event time, as UserTimeline's does
        TrainingSplit training =
                new TrainingSplit(
                        SessionRules.DEFAULT,
                        List.of(later, first, bare, other),
                        List.of(),
                        List.of());
        assertThat(training.profiles()).containsExactly(Map.entry("u", Map.of("age", "25")));
    }
}
