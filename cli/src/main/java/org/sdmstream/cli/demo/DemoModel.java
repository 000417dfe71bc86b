package org.sdmstream.cli.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sdmstream.features.Click;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.generate.ClickGenerator;
import org.sdmstream.features.generate.GeneratorConfig;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.training.ProgressBar;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;

/**
 * The model the demo scores with: trained once on clicks like the ones it replays (a small SDM, a
 * minute or so on two cores, with a progress bar), exported as a SavedModel and cached, so later
 * runs start at once. A model given with {@code --model} is used as it is.
 */
public final class DemoModel {

    /** Small enough to train in about a minute on two cores; the architecture is the full SDM. */
    static final SdmConfig SMALL =
            SdmConfig.builder()
                    .itemEmbeddingDim(32)
                    .categoryEmbeddingDim(8)
                    .brandEmbeddingDim(8)
                    .shopEmbeddingDim(8)
                    .userEmbeddingDim(32)
                    .hiddenSize(32)
                    .heads(4)
                    .epochs(2)
                    .patience(1)
                    .batchSize(64)
                    .seed(42)
                    .build();

    /**
     * The default shape ({@link SdmConfig#DEFAULT}: width 64, 4 heads, T 50, L 20), the one {@code
     * sdm train} produces, trained for one epoch only: scoring speed does not depend on the
     * weights.
     */
    static final SdmConfig DEFAULT = SdmConfig.builder().epochs(1).patience(1).seed(42).build();

    /**
     * Which shape of model to train: the demo's small one or the default one users train. The name
     * is the one {@code sdm bench --model-size} takes.
     */
    public enum Size {
        SMALL(DemoModel.SMALL, ""),
        DEFAULT(DemoModel.DEFAULT, "-default");

        private final SdmConfig config;
        private final String cacheSuffix;

        Size(SdmConfig config, String cacheSuffix) {
            this.config = config;
            this.cacheSuffix = cacheSuffix;
        }

        public SdmConfig config() {
            return config;
        }

        /** The vector width (hidden size) of models of this size. */
        public int width() {
            return config.hiddenSize();
        }

        /** Lower-case name: small, default. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Bumped when the exported graph changes in a way scoring speed depends on, so that cached
     * models from before are trained again rather than measured: 2 = the step graph names the
     * per-session values it can be fed and the full tower the state after a prefix; 3 = narrower
     * towers over 8, 16 and 32 positions for short bursts (docs/scoring-model.md); 4 = the towers'
     * LSTM runs unmasked over the padding and gathers the state after the last click; 5 = the
     * towers' LSTM is one fused op (BlockLSTMV2) in serving graphs.
     */
    static final String GRAPH_GENERATION = "-g5";

    private DemoModel() {}

    /**
     * Where cached demo models live: {@code $SDM_HOME/demo-models}, default {@code
     * ~/.cache/sdm/demo-models}.
     */
    static Path cacheRoot() {
        String home = System.getenv("SDM_HOME");
        return home != null && !home.isBlank()
                ? Path.of(home, "demo-models")
                : Path.of(System.getProperty("user.home"), ".cache", "sdm", "demo-models");
    }

    /**
     * The cached model for clicks of this generator shape, trained on 30,000 of them the first
     * time.
     */
    public static Path forGenerated(GeneratorConfig generator, PrintWriter err) throws IOException {
        return forGenerated(generator, Size.SMALL, err);
    }

    /**
     * The cached model of this size for clicks of this generator shape, trained on 30,000 of them
     * the first time.
     */
    public static Path forGenerated(GeneratorConfig generator, Size size, PrintWriter err)
            throws IOException {
        List<Click> training = new java.util.ArrayList<>();
        new ClickGenerator(generator.withMaxClicks(30_000)).forEach(training::add);
        return ensure(generatedKey(generator), training, size, err);
    }

    private static String generatedKey(GeneratorConfig generator) {
        return "generated-" + generator.users() + "-" + generator.items() + "-" + generator.seed();
    }

    /**
     * The directory name under {@link #cacheRoot()} of the model {@link #forGenerated} trains for
     * this shape and size, e.g. {@code generated-1000-5000-42-g5}: what a deployment that lets
     * {@code sdm demo} train its model (docker/compose.yaml) points the job's {@code
     * scoring.model-dir} at.
     */
    public static String generatedDirName(GeneratorConfig generator, Size size) {
        return dirName(generatedKey(generator), size);
    }

    /** The cache directory name of the model of this size for {@code key}. */
    private static String dirName(String key, Size size) {
        return key + size.cacheSuffix + GRAPH_GENERATION;
    }

    /**
     * The cached model of this size for a click log ({@code clicks}, all of it), trained on it the
     * first time.
     */
    public static Path forLog(List<Click> clicks, Size size, PrintWriter err) throws IOException {
        return ensure("file-" + Integer.toHexString(clicks.hashCode()), clicks, size, err);
    }

    /** The cached small model for {@code key}, trained on {@code trainingClicks} the first time. */
    static Path ensure(String key, List<Click> trainingClicks, PrintWriter err) throws IOException {
        return ensure(key, trainingClicks, Size.SMALL, err);
    }

    /**
     * The cached model of this size for {@code key}, trained on {@code trainingClicks} the first
     * time.
     */
    static Path ensure(String key, List<Click> trainingClicks, Size size, PrintWriter err)
            throws IOException {
        key = dirName(key, size);
        SdmConfig config = size.config();
        Path dir = cacheRoot().resolve(key);
        if (Files.isRegularFile(dir.resolve("metadata.json"))) {
            err.println("sdm demo: using the cached model " + dir);
            return dir;
        }
        Files.createDirectories(dir.getParent());
        List<Session> sessions =
                new OfflineSessionizer(SessionRules.DEFAULT).sessionize(trainingClicks);
        Map<String, Map<String, String>> profiles = new HashMap<>();
        trainingClicks.forEach(c -> profiles.put(c.userId(), c.profile()));
        err.printf(
                "sdm demo: no cached model yet: training a %s SDM (width %d) on %,d clicks (%,d sessions), once%n",
                size.label(), size.width(), trainingClicks.size(), sessions.size());
        Path staging = Files.createTempDirectory(dir.getParent(), key + ".training-");
        try (TrainedSdm trained =
                new SdmTrainer(config)
                        .withProfiles(u -> profiles.getOrDefault(u, Map.of()))
                        .train(sessions, new ProgressBar(err, config.epochs()))) {
            Path export = staging.resolve("model");
            SavedModelExporter.export(trained, export, "demo-" + key, Map.of());
            // Publish the finished export in one step: a crash mid-training leaves no half-written
            // model behind.
            Files.move(export, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteRecursively(staging);
        }
        err.println("sdm demo: model cached in " + dir);
        return dir;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
