package org.sdmstream.job.retrieval;

import java.io.Serializable;
import java.nio.file.Path;
import org.sdmstream.model.retrieval.HnswSettings;
import org.sdmstream.model.retrieval.IndexKind;

/**
 * What the recommending scorer searches: {@code k} items per vector in the item index of the model
 * in {@code modelDir} (the scorer's own model), built as {@code index} (an HNSW graph with {@code
 * hnsw}), skipping the session's items when {@code excludeSession}.
 */
public record RetrievalSettings(
        String modelDir, int k, boolean excludeSession, IndexKind index, HnswSettings hnsw)
        implements Serializable {

    public RetrievalSettings {
        if (modelDir == null || modelDir.isBlank()) {
            throw new IllegalArgumentException(
                    "retrieval needs the scoring model directory (scoring.model-dir)");
        }
        if (k < 1) {
            throw new IllegalArgumentException("retrieval.k must be >= 1 when retrieval is on");
        }
        if (index == null) {
            throw new IllegalArgumentException("no retrieval.index");
        }
        if (hnsw == null) {
            throw new IllegalArgumentException("no retrieval.hnsw settings");
        }
    }

    /** Subtasks whose settings share this key share one index. */
    public String sharingKey() {
        return Path.of(modelDir).toAbsolutePath().normalize()
                + "|index="
                + index
                + "|hnsw="
                + hnsw.maxConnections()
                + ","
                + hnsw.buildBeam()
                + ","
                + hnsw.searchBeam();
    }
}
