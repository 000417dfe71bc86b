package org.sdmstream.model.eval;

import java.util.Map;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.UserVectorModel;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;

/**
 * Trains one of the neural two-tower models with {@link SdmTrainer} on a split's training sessions:
 * full SDM, SDM without the long-term branch, or the YouTube-DNN baseline, all from one base
 * configuration so they differ only in the tower. The trainer holds out its own validation sessions
 * for early stopping.
 */
public final class NeuralModelFactory implements ModelFactory {

    /** Names under which {@code sdm evaluate --models} knows the neural models. */
    public static final String SDM = "sdm";

    public static final String SDM_SHORT = "sdm-short";
    public static final String YOUTUBE_DNN = "youtubednn";

    private final String name;
    private final SdmConfig config;
    private final ProgressListener progress;

    /**
     * @param config the model's configuration; its seed is replaced by the one {@link #train}
     *     receives
     */
    public NeuralModelFactory(String name, SdmConfig config, ProgressListener progress) {
        this.name = name;
        this.config = config;
        this.progress = progress;
    }

    /** Full SDM: short-term session branch, long-term history branch and the gate. */
    public static NeuralModelFactory sdm(SdmConfig base, ProgressListener progress) {
        return new NeuralModelFactory(
                SDM, base.withArchitecture(SdmConfig.Architecture.SDM, true), progress);
    }

    /** SDM without the long-term branch (the paper's ablation). */
    public static NeuralModelFactory sdmShortTerm(SdmConfig base, ProgressListener progress) {
        return new NeuralModelFactory(
                SDM_SHORT, base.withArchitecture(SdmConfig.Architecture.SDM, false), progress);
    }

    /**
     * YouTube-DNN: mean-pooled session and history embeddings with the user embedding through dense
     * layers.
     */
    public static NeuralModelFactory youTubeDnn(SdmConfig base, ProgressListener progress) {
        return new NeuralModelFactory(
                YOUTUBE_DNN,
                base.withArchitecture(SdmConfig.Architecture.YOUTUBE_DNN, true),
                progress);
    }

    @Override
    public String name() {
        return name;
    }

    public SdmConfig config() {
        return config;
    }

    @Override
    public UserVectorModel train(TrainingSplit training, long seed) {
        Map<String, Map<String, String>> profiles = training.profiles();
        return new SdmTrainer(config.toBuilder().seed(seed).build())
                .withProfiles(user -> profiles.getOrDefault(user, Map.of()))
                .train(training.sessions(), progress);
    }
}
