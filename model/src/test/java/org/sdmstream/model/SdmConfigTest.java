package org.sdmstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SdmConfigTest {

    @Test
    void theDefaultsAreThePapersAndTheDocumentedOnes() {
        SdmConfig d = SdmConfig.DEFAULT;
        assertThat(d.architecture()).isEqualTo(SdmConfig.Architecture.SDM);
        assertThat(d.longTerm()).isTrue();
        assertThat(
                        List.of(
                                d.itemEmbeddingDim(),
                                d.categoryEmbeddingDim(),
                                d.brandEmbeddingDim(),
                                d.shopEmbeddingDim(),
                                d.userEmbeddingDim(),
                                d.hiddenSize(),
                                d.heads(),
                                d.maxSessionLength(),
                                d.maxHistoryLength()))
                .containsExactly(64, 16, 16, 16, 64, 64, 4, 50, 20);
        assertThat(d.dnnHiddenLayers()).containsExactly(128);
        assertThat(d.logitScale()).isEqualTo(10f);
        assertThat(d.loss()).isEqualTo(SdmConfig.LossType.AUTO);
        assertThat(
                        List.of(
                                d.fullSoftmaxMaxItems(),
                                d.negatives(),
                                d.batchSize(),
                                d.epochs(),
                                d.patience(),
                                d.minItemCount(),
                                d.intraOpThreads(),
                                d.interOpThreads(),
                                d.labelWindow()))
                .containsExactly(20_000, 256, 64, 20, 2, 1, 0, 0, 1);
        assertThat(d.sampler()).isEqualTo(SdmConfig.Sampler.LOG_UNIFORM);
        assertThat(d.learningRate()).isEqualTo(0.001f);
        assertThat(d.validationFraction()).isEqualTo(0.1);
        assertThat(d.seed()).isEqualTo(42L);
        assertThat(d.nextSessionLabel()).isTrue();
        assertThat(d.unknownUserRate()).isEqualTo(0.02);
        assertThat(d.dropout()).isEqualTo(0.4f);
        assertThat(d.tiedLabels()).isFalse();
        assertThat(d.weightDecay()).isEqualTo(1f);
        assertThat(d.sharedItemTable()).isFalse();
        assertThat(d.shuffleTies()).isFalse();
        assertThat(SdmConfig.builder().build()).isEqualTo(d);
    }

    @Test
    void aSharedItemTableNeedsTheItemEmbeddingAsWideAsTheUserVector() {
        assertThatThrownBy(
                        () ->
                                SdmConfig.builder()
                                        .sharedItemTable(true)
                                        .itemEmbeddingDim(32)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sharedItemTable")
                .hasMessageContaining("itemEmbeddingDim (32)")
                .hasMessageContaining("hiddenSize (64)");
        // Separate tables take any widths.
        assertThat(
                        SdmConfig.builder()
                                .sharedItemTable(false)
                                .itemEmbeddingDim(32)
                                .build()
                                .itemEmbeddingDim())
                .isEqualTo(32);
    }

    @Test
    void shuffledTiesTakeTheirLabelsFromTheShuffledOrderOnly() {
        assertThatThrownBy(() -> SdmConfig.builder().shuffleTies(true).labelWindow(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shuffleTies");
        assertThatThrownBy(() -> SdmConfig.builder().shuffleTies(true).tiedLabels(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tiedLabels");
        assertThat(SdmConfig.builder().shuffleTies(true).build().shuffleTies()).isTrue();
    }
}
