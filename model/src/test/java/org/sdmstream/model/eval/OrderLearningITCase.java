package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Click;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.generate.MarkovClickLog;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.training.ProgressListener;

/**
 * SDM learns the order of a session: on clicks where the next item is the previous item's
 * successor, it must clearly beat item-to-item co-occurrence (symmetric: successor and predecessor
 * look alike) and YouTube-DNN (a mean over the session's items: a bag). A broken sequence part (a
 * wrong causal mask, a reversed LSTM) reads the session as badly as they do, and this test fails.
 */
class OrderLearningITCase {

    @Test
    void sdmBeatsItemCfAndYouTubeDnnWhereTheNextItemDependsOnOrder() {
        List<Click> clicks = MarkovClickLog.generate(400, 60, 3, 10, 0.9, 7);
        LeaveLastOutSplit split =
                LeaveLastOutSplit.of(
                        clicks, SessionRules.DEFAULT, LeaveLastOutSplit.Validation.NONE);
        SdmConfig neural =
                SdmConfig.builder()
                        .itemEmbeddingDim(16)
                        .categoryEmbeddingDim(4)
                        .brandEmbeddingDim(2)
                        .shopEmbeddingDim(2)
                        .userEmbeddingDim(16)
                        .hiddenSize(16)
                        .heads(2)
                        .maxSessionLength(10)
                        .maxHistoryLength(10)
                        .batchSize(64)
                        .epochs(12)
                        .learningRate(0.01f)
                        .validationFraction(0.0)
                        .minItemCount(1)
                        .intraOpThreads(1)
                        .interOpThreads(1)
                        .build();
        ModelLineup.Settings settings =
                new ModelLineup.Settings(
                        neural, ItemCoOccurrenceRecommender.Config.DEFAULT, ProgressListener.NONE);
        Evaluator evaluator =
                new Evaluator(List.of(1, 5), false, line -> System.out.println("order: " + line));
        EvaluationRun run =
                evaluator.evaluate(
                        "markov",
                        ModelLineup.standard()
                                .select(
                                        List.of(
                                                ItemCoOccurrenceRecommender.NAME,
                                                NeuralModelFactory.YOUTUBE_DNN,
                                                NeuralModelFactory.SDM),
                                        settings),
                        split,
                        clicks.size(),
                        42);
        Map<String, Double> hr1 =
                run.models().stream()
                        .collect(
                                Collectors.toMap(
                                        ModelResult::name, r -> r.metrics().get(0).hitRate()));
        System.out.println(
                "order: HR@1 "
                        + hr1
                        + " HR@5 "
                        + run.models().stream()
                                .collect(
                                        Collectors.toMap(
                                                ModelResult::name,
                                                r -> r.metrics().get(1).hitRate())));

        double sdm = hr1.get(NeuralModelFactory.SDM);
        assertThat(sdm)
                .as("SDM follows the successor chain (90 % of next clicks)")
                .isGreaterThan(0.6);
        assertThat(sdm)
                .as("SDM vs item-CF")
                .isGreaterThan(1.5 * hr1.get(ItemCoOccurrenceRecommender.NAME));
        assertThat(sdm)
                .as("SDM vs YouTube-DNN")
                .isGreaterThan(1.5 * hr1.get(NeuralModelFactory.YOUTUBE_DNN));
    }
}
