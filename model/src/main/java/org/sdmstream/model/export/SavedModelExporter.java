package org.sdmstream.model.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.graph.SdmGraph;
import org.sdmstream.model.graph.SdmStepGraph;
import org.sdmstream.model.training.TrainedSdm;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;

/**
 * Writes a trained model as a {@link ModelDirectory}: an inference-only SavedModel (a fresh graph
 * without the training head or optimizer, its variables copied from the trained session through a
 * checkpoint, so no Adam state is exported) with the {@code serving_default} signature and, for SDM
 * towers, the per-click {@code step} signature; the vocabularies, the item embeddings and metadata.
 */
public final class SavedModelExporter {

    private SavedModelExporter() {}

    /**
     * @param dir must not exist or be empty
     * @param metrics evaluation results to record (may be empty)
     */
    public static ModelDirectory export(
            TrainedSdm model, Path dir, String modelVersion, Map<String, Double> metrics) {
        ModelDirectory out = new ModelDirectory(dir);
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException(
                                "export directory "
                                        + dir
                                        + " is not empty: choose a new directory (models are immutable once exported)");
                    }
                }
            }
            Path scratch = Files.createTempDirectory("sdm-export-");
            try {
                String checkpoint = scratch.resolve("ckpt").toString();
                model.session().save(checkpoint);
                try (Graph graph = new Graph()) {
                    SdmGraph tower =
                            new SdmGraph(
                                    graph,
                                    model.config(),
                                    model.tower().sizes(),
                                    SdmGraph.Mode.SERVING);
                    // SDM towers also get the per-click step signature over the same variables.
                    SdmStepGraph step =
                            model.config().architecture() == SdmConfig.Architecture.SDM
                                    ? new SdmStepGraph(tower)
                                    : null;
                    try (Session session = new Session(graph)) {
                        session.restore(checkpoint);
                        SavedModelBundle.Exporter exporter =
                                SavedModelBundle.exporter(dir.toString())
                                        .withTags(ModelSignature.TAG)
                                        .withFunction(
                                                SessionFunction.create(
                                                        tower.servingSignature(), session));
                        if (step != null) {
                            exporter.withFunction(
                                    SessionFunction.create(step.signature(), session));
                        }
                        exporter.export();
                    }
                }
            } finally {
                try (Stream<Path> walk = Files.walk(scratch)) {
                    walk.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
            model.vocabularies().save(out.vocabularies());
            ItemEmbeddingsFile.write(out.itemEmbeddings(), model.itemIds(), model.itemEmbeddings());
            Map<String, String> files = ModelFiles.hashes(dir);
            TrainedSdm.TrainingData data = model.trainingData();
            new ModelMetadata(
                            ModelMetadata.FORMAT_VERSION,
                            model.name(),
                            modelVersion,
                            Instant.now().toString(),
                            new ModelMetadata.TrainingRange(
                                    Instant.ofEpochMilli(data.firstEventTime()).toString(),
                                    Instant.ofEpochMilli(data.lastEventTime()).toString(),
                                    data.sessions(),
                                    data.trainSessions(),
                                    data.validationSessions(),
                                    data.clicks()),
                            model.config().maxSessionLength(),
                            model.config().maxHistoryLength(),
                            model.vocabularies().profileSlots(),
                            model.dimension(),
                            Map.copyOf(metrics),
                            model.config(),
                            model.epochs(),
                            ModelFiles.contentHash(files),
                            files)
                    .write(out.metadata());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the model to " + dir, e);
        }
    }
}
