package org.sdmstream.model.scoring;

import java.nio.file.Path;
import java.util.List;
import org.sdmstream.features.ModelInput;

/**
 * The full-tower {@link BatchScorer}: every input runs through the whole exported SDM graph via
 * {@link SdmScorer}, so a streamed vector is bit-for-bit what the offline scorer computes for the
 * same session and history.
 */
public final class SdmBatchScorer implements BatchScorer {

    private final SdmScorer scorer;
    private final String modelVersion;

    public SdmBatchScorer(SdmScorer scorer, String modelVersion) {
        this.scorer = scorer;
        this.modelVersion = modelVersion;
    }

    /**
     * Loads an exported model directory; the version comes from its metadata.json, else the
     * directory's name.
     *
     * @throws IllegalArgumentException when the directory is not a model that matches the signature
     */
    public static SdmBatchScorer load(Path modelDir, ScorerOptions options) {
        SdmScorer scorer = SdmScorer.load(modelDir, options);
        return new SdmBatchScorer(scorer, versionOf(scorer, modelDir));
    }

    /** The version in the model's metadata.json, else the name of its directory. */
    static String versionOf(SdmScorer scorer, Path modelDir) {
        return scorer.metadata() != null && scorer.metadata().modelVersion() != null
                ? scorer.metadata().modelVersion()
                : modelDir.toAbsolutePath().normalize().getFileName().toString();
    }

    @Override
    public float[][] score(List<ModelInput> inputs) {
        return scorer.userVectors(inputs);
    }

    @Override
    public String modelVersion() {
        return modelVersion;
    }

    @Override
    public int dimension() {
        return scorer.dimension();
    }

    @Override
    public void close() {
        scorer.close();
    }
}
