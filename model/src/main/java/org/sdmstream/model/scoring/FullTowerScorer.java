package org.sdmstream.model.scoring;

import java.nio.file.Path;
import java.util.List;

import org.sdmstream.features.ModelInput;

/**
 * A {@link BatchScorer} that runs the full tower ({@code serving_default}) over each input's whole
 * session: the reference the incremental scorer must reproduce, and the path for models without a
 * step signature.
 */
public final class FullTowerScorer implements BatchScorer {

    private final SdmScorer model;

    /** Takes ownership of {@code model}: closing this scorer closes it. */
    public FullTowerScorer(SdmScorer model) {
        this.model = model;
    }

    public static FullTowerScorer load(Path modelDir, ScorerOptions options) {
        return new FullTowerScorer(SdmScorer.load(modelDir, options));
    }

    @Override
    public float[][] score(List<ModelInput> inputs) {
        return model.userVectors(inputs);
    }

    @Override
    public String modelVersion() {
        return modelVersion(model);
    }

    /** The version recorded in the model's metadata.json, or "unknown" for a directory without one. */
    static String modelVersion(SdmScorer model) {
        return model.metadata() != null && model.metadata().modelVersion() != null
                ? model.metadata().modelVersion() : "unknown";
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public void close() {
        model.close();
    }
}
