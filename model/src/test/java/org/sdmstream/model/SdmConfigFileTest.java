package org.sdmstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdmConfigFileTest {

    @TempDir Path tmp;

    @Test
    void roundTripsEveryKey() {
        SdmConfig c =
                SdmConfig.builder()
                        .architecture(SdmConfig.Architecture.YOUTUBE_DNN)
                        .dnnHiddenLayers(List.of(32, 16))
                        .loss(SdmConfig.LossType.SAMPLED_SOFTMAX)
                        .sampler(SdmConfig.Sampler.UNIFORM)
                        .learningRate(0.005f)
                        .nextSessionLabel(false)
                        .seed(7)
                        .build();
        Path f = tmp.resolve("c.json");
        SdmConfigFile.write(c, f);
        assertThat(SdmConfigFile.read(f)).isEqualTo(c);
    }

    @Test
    void partialFilesKeepDefaultsAndInvalidValuesAreRefused() throws Exception {
        Path f = tmp.resolve("p.json");
        Files.writeString(f, "{\"heads\": 8, \"itemEmbeddingDim\": 128, \"hiddenSize\": 128}");
        SdmConfig c = SdmConfigFile.read(f);
        assertThat(c.heads()).isEqualTo(8);
        assertThat(c.batchSize()).isEqualTo(SdmConfig.DEFAULT.batchSize());

        Files.writeString(f, "{\"heads\": 3}");
        assertThatThrownBy(() -> SdmConfigFile.read(f)).hasMessageContaining("divisible by heads");
        Files.writeString(f, "{\"epochz\": 3}");
        assertThatThrownBy(() -> SdmConfigFile.read(f)).hasMessageContaining("epochz");
    }
}
