package org.sdmstream.system;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.sdmstream.features.Click;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;
import org.sdmstream.records.ClickEvent;

/**
 * A real SDM, as small as it gets (8-wide embeddings, one epoch), trained in the test JVM and exported
 * as a SavedModel version for the scoring job on the cluster: models that differ only by seed stand
 * for two versions of one model.
 */
final class TinySdm {

    private TinySdm() {}

    /** Trains on {@code clicks} (sessionized with {@code rules}) with {@code seed} and exports version {@code version} to {@code dir}. */
    static Path export(List<ClickEvent> clicks, SessionRules rules, long seed, Path dir, String version) {
        List<Click> converted = clicks.stream().map(FeatureRecords::toClick).toList();
        List<Session> sessions = new OfflineSessionizer(rules).sessionize(converted);
        Map<String, Map<String, String>> profiles = new HashMap<>();
        converted.forEach(c -> profiles.put(c.userId(), c.profile()));
        SdmConfig config = SdmConfig.builder().itemEmbeddingDim(8).categoryEmbeddingDim(4).brandEmbeddingDim(2)
                .shopEmbeddingDim(2).userEmbeddingDim(8).hiddenSize(8).heads(2)
                .maxSessionLength(rules.maxSessionLength()).maxHistoryLength(rules.maxHistoryLength())
                .batchSize(64).epochs(1).learningRate(0.01f).minItemCount(1).validationFraction(0.0)
                .intraOpThreads(1).interOpThreads(1).seed(seed).build();
        try (TrainedSdm model = new SdmTrainer(config)
                .withProfiles(u -> profiles.getOrDefault(u, Map.of()))
                .train(sessions, ProgressListener.NONE)) {
            SavedModelExporter.export(model, dir, version, Map.of());
        }
        return dir;
    }
}
