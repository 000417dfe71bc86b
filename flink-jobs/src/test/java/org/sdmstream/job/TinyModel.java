package org.sdmstream.job;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sdmstream.features.Click;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;
import org.sdmstream.records.ClickEvent;

/**
 * A real SDM, as small as it gets (one epoch, 8-wide by default), trained in the test JVM on test
 * clicks and exported as a SavedModel for the scoring tests, in the JVM and on a cluster; models
 * that differ only by seed stand for two versions of one model.
 */
public final class TinyModel {

    private TinyModel() {}

    /**
     * Trains on {@code clicks} (sessionized with {@code rules}, profiles included) and exports to
     * {@code dir}.
     */
    public static Path export(
            List<ClickEvent> clicks, SessionRules rules, Path dir, String version) {
        return export(clicks, rules, dir, version, 8);
    }

    /**
     * As above with item/user embeddings and the hidden size {@code width} wide (8 for tests; 64 is
     * SDM's default).
     */
    public static Path export(
            List<ClickEvent> clicks, SessionRules rules, Path dir, String version, int width) {
        return export(clicks, rules, dir, version, width, SdmConfig.DEFAULT.seed());
    }

    /** As above, trained with {@code seed}. */
    public static Path export(
            List<ClickEvent> clicks,
            SessionRules rules,
            Path dir,
            String version,
            int width,
            long seed) {
        List<Click> converted = clicks.stream().map(FeatureRecords::toClick).toList();
        List<Session> sessions = new OfflineSessionizer(rules).sessionize(converted);
        Map<String, Map<String, String>> profiles = new HashMap<>();
        converted.forEach(c -> profiles.put(c.userId(), c.profile()));
        SdmConfig config =
                SdmConfig.builder()
                        .itemEmbeddingDim(width)
                        .categoryEmbeddingDim(4)
                        .brandEmbeddingDim(2)
                        .shopEmbeddingDim(2)
                        .userEmbeddingDim(width)
                        .hiddenSize(width)
                        .heads(2)
                        .maxSessionLength(rules.maxSessionLength())
                        .maxHistoryLength(rules.maxHistoryLength())
                        .batchSize(32)
                        .epochs(1)
                        .learningRate(0.01f)
                        .minItemCount(1)
                        .validationFraction(0.0)
                        .intraOpThreads(1)
                        .interOpThreads(1)
                        .seed(seed)
                        .build();
        try (TrainedSdm model =
                new SdmTrainer(config)
                        .withProfiles(u -> profiles.getOrDefault(u, Map.of()))
                        .train(sessions, ProgressListener.NONE)) {
            SavedModelExporter.export(model, dir, version, Map.of());
        }
        return dir;
    }
}
