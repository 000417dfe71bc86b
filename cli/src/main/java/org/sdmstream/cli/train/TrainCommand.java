package org.sdmstream.cli.train;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sdmstream.cli.options.ClickLogOptions;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.cli.options.TrainingDefaults;
import org.sdmstream.features.Click;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.clicklog.BadInputException;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.SdmConfigFile;
import org.sdmstream.model.export.ModelDirectory;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.training.EpochResult;
import org.sdmstream.model.training.ProgressBar;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sdm train}: reads a click log through the shared click-log options, cuts sessions with the
 * shared session rules, trains SDM (or a baseline) and exports a model directory (SavedModel,
 * vocabularies, item embeddings, metadata). Exit codes: 0 done, 1 training failed, 2 bad input or
 * flags.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        defaultValueProvider = TrainingDefaults.class,
        description =
                "Trains SDM on a click log and exports a SavedModel directory for the stream and for "
                        + "retrieval (see docs/model.md). Flags override --config, which overrides the defaults.")
public final class TrainCommand implements Callable<Integer> {

    @Mixin CommonOptions console;

    @Mixin ClickLogOptions input;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            required = true,
            description = "Export directory (must not exist or be empty).")
    Path output;

    @Option(
            names = "--model-version",
            paramLabel = "V",
            description =
                    "Version recorded in metadata.json. Default: the UTC time of the export, yyyyMMdd-HHmmss.")
    String modelVersion;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "DIR",
            description = "Where epoch checkpoints are kept. Default: <output>.checkpoints")
    Path checkpointDir;

    @Option(
            names = "--resume",
            description = "Continue from the last completed epoch in the checkpoint directory.")
    boolean resume;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "JSON file with SdmConfig keys (see docs/model.md).")
    Path configFile;

    // The model flags: defaults from SdmConfig.DEFAULT (TrainingDefaults), applied only when given.
    @Option(
            names = "--model",
            paramLabel = "NAME",
            description =
                    "sdm, sdm-short (no long-term branch) or youtubednn. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(
            names = "--epochs",
            description = "Most epochs (early stopping may end sooner). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", description = "Sessions per batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--learning-rate",
            description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    float learningRate;

    @Option(
            names = "--item-dim",
            description = "Item-id embedding size. Default: ${DEFAULT-VALUE}.")
    int itemDim;

    @Option(
            names = "--category-dim",
            description = "Category embedding size. Default: ${DEFAULT-VALUE}.")
    int categoryDim;

    @Option(names = "--brand-dim", description = "Brand embedding size. Default: ${DEFAULT-VALUE}.")
    int brandDim;

    @Option(names = "--shop-dim", description = "Shop embedding size. Default: ${DEFAULT-VALUE}.")
    int shopDim;

    @Option(
            names = "--user-dim",
            description = "User (and profile) embedding size. Default: ${DEFAULT-VALUE}.")
    int userDim;

    @Option(
            names = "--hidden-size",
            description = "LSTM/attention size = user vector size. Default: ${DEFAULT-VALUE}.")
    int hiddenSize;

    @Option(names = "--heads", description = "Self-attention heads. Default: ${DEFAULT-VALUE}.")
    int heads;

    @Option(
            names = "--max-session",
            description =
                    "Session positions the model sees (newest kept). Default: ${DEFAULT-VALUE}.")
    int maxSession;

    @Option(
            names = "--max-history",
            description =
                    "History positions the model sees (newest kept). Default: ${DEFAULT-VALUE}.")
    int maxHistory;

    @Option(
            names = "--loss",
            description =
                    "auto (full softmax for small catalogues, else sampled), full or sampled. "
                            + "Default: ${DEFAULT-VALUE}.")
    String loss;

    @Option(
            names = "--negatives",
            description = "Sampled-softmax negatives per batch. Default: ${DEFAULT-VALUE}.")
    int negatives;

    @Option(
            names = "--sampler",
            description = "Negative sampler: uniform or log-uniform. Default: ${DEFAULT-VALUE}.")
    String sampler;

    @Option(
            names = "--logit-scale",
            description =
                    "Training logits = scale x (unit user vector . item embedding). "
                            + "Default: ${DEFAULT-VALUE}.")
    float logitScale;

    @Option(
            names = "--validation-fraction",
            description = "Sessions held out for early stopping. Default: ${DEFAULT-VALUE}.")
    double validationFraction;

    @Option(
            names = "--patience",
            description =
                    "Epochs without validation improvement before stopping; 0 = never. "
                            + "Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(
            names = "--seed",
            description =
                    "Seed of initialisation, shuffling and sampling. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--min-item-count",
            description = "Items clicked fewer times map to unknown. Default: ${DEFAULT-VALUE}.")
    int minItemCount;

    @Option(
            names = "--next-session-label",
            negatable = true,
            description =
                    "Label a session's last click with the first "
                            + "click of the user's next session. Default: ${DEFAULT-VALUE}.")
    boolean nextSessionLabel;

    @Option(
            names = "--dropout",
            description =
                    "Dropout rate on the input embeddings while training. Default: ${DEFAULT-VALUE}.")
    float dropout;

    @Option(
            names = "--weight-decay",
            description =
                    "Decoupled weight decay (AdamW): each step first shrinks every weight by 1 -"
                            + " learning rate x this. Default: ${DEFAULT-VALUE}.")
    float weightDecay;

    @Option(
            names = "--label-window",
            description =
                    "Train each position on one of the user's next N clicks, drawn per "
                            + "epoch. Default: ${DEFAULT-VALUE}.")
    int labelWindow;

    @Option(
            names = "--threads",
            description =
                    "TensorFlow intra-op threads; 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Spec CommandSpec spec;

    /** The configuration: defaults, then the config file, then the flags given. */
    SdmConfig config() {
        SdmConfig base = configFile == null ? SdmConfig.DEFAULT : SdmConfigFile.read(configFile);
        SdmConfig.Builder b = base.toBuilder();
        if (given("--model")) {
            switch (model.toLowerCase()) {
                case "sdm" -> b.architecture(SdmConfig.Architecture.SDM).longTerm(true);
                case "sdm-short" -> b.architecture(SdmConfig.Architecture.SDM).longTerm(false);
                case "youtubednn", "youtube-dnn" ->
                        b.architecture(SdmConfig.Architecture.YOUTUBE_DNN);
                default ->
                        throw new IllegalArgumentException(
                                "unknown --model '" + model + "': sdm, sdm-short, youtubednn");
            }
        }
        if (given("--epochs")) {
            b.epochs(epochs);
        }
        if (given("--batch-size")) {
            b.batchSize(batchSize);
        }
        if (given("--learning-rate")) {
            b.learningRate(learningRate);
        }
        if (given("--item-dim")) {
            b.itemEmbeddingDim(itemDim);
        }
        if (given("--category-dim")) {
            b.categoryEmbeddingDim(categoryDim);
        }
        if (given("--brand-dim")) {
            b.brandEmbeddingDim(brandDim);
        }
        if (given("--shop-dim")) {
            b.shopEmbeddingDim(shopDim);
        }
        if (given("--user-dim")) {
            b.userEmbeddingDim(userDim);
        }
        if (given("--hidden-size")) {
            b.hiddenSize(hiddenSize);
        }
        if (given("--heads")) {
            b.heads(heads);
        }
        if (given("--max-session")) {
            b.maxSessionLength(maxSession);
        }
        if (given("--max-history")) {
            b.maxHistoryLength(maxHistory);
        }
        if (given("--loss")) {
            b.loss(
                    switch (loss.toLowerCase()) {
                        case "auto" -> SdmConfig.LossType.AUTO;
                        case "full" -> SdmConfig.LossType.FULL_SOFTMAX;
                        case "sampled" -> SdmConfig.LossType.SAMPLED_SOFTMAX;
                        default ->
                                throw new IllegalArgumentException(
                                        "unknown --loss '" + loss + "': auto, full, sampled");
                    });
        }
        if (given("--negatives")) {
            b.negatives(negatives);
        }
        if (given("--sampler")) {
            b.sampler(
                    switch (sampler.toLowerCase()) {
                        case "uniform" -> SdmConfig.Sampler.UNIFORM;
                        case "log-uniform", "loguniform" -> SdmConfig.Sampler.LOG_UNIFORM;
                        default ->
                                throw new IllegalArgumentException(
                                        "unknown --sampler '"
                                                + sampler
                                                + "': uniform, log-uniform");
                    });
        }
        if (given("--logit-scale")) {
            b.logitScale(logitScale);
        }
        if (given("--validation-fraction")) {
            b.validationFraction(validationFraction);
        }
        if (given("--patience")) {
            b.patience(patience);
        }
        if (given("--seed")) {
            b.seed(seed);
        }
        if (given("--min-item-count")) {
            b.minItemCount(minItemCount);
        }
        if (given("--next-session-label")) {
            b.nextSessionLabel(nextSessionLabel);
        }
        if (given("--dropout")) {
            b.dropout(dropout);
        }
        if (given("--weight-decay")) {
            b.weightDecay(weightDecay);
        }
        if (given("--label-window")) {
            b.labelWindow(labelWindow);
        }
        if (given("--threads")) {
            b.intraOpThreads(threads);
        }
        return b.build();
    }

    private boolean given(String flag) {
        return TrainingDefaults.given(spec, flag);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = console.out();
        PrintWriter err = console.err();
        SdmConfig config;
        List<Click> clicks;
        try {
            config = config();
            if (Files.isDirectory(output)) {
                try (var entries = Files.list(output)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException(
                                "--output " + output + " is not empty: choose a new directory");
                    }
                }
            }
            clicks = input.read(console).clicks();
        } catch (BadInputException | IllegalArgumentException e) {
            err.println("sdm train: " + e.getMessage());
            return 2;
        }
        if (clicks.isEmpty()) {
            err.println("sdm train: the click log holds no clicks");
            return 2;
        }
        List<Session> sessions = new OfflineSessionizer(SessionRules.DEFAULT).sessionize(clicks);
        Map<String, Map<String, String>> profiles = latestProfiles(clicks);
        err.printf(
                "%d clicks, %d users, %d sessions; model %s%n",
                clicks.size(),
                sessions.stream().map(Session::userId).distinct().count(),
                sessions.size(),
                config.modelName());
        Path checkpoints =
                checkpointDir != null
                        ? checkpointDir
                        : output.resolveSibling(output.getFileName() + ".checkpoints");
        try (TrainedSdm trained =
                new SdmTrainer(config)
                        .withProfiles(u -> profiles.getOrDefault(u, Map.of()))
                        .withCheckpoints(checkpoints, resume)
                        .train(sessions, new ProgressBar(err, config.epochs()))) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            EpochResult last = trained.epochs().get(trained.epochs().size() - 1);
            trained.epochs().stream()
                    .filter(EpochResult::improved)
                    .reduce((a, b) -> b)
                    .ifPresent(
                            best -> {
                                metrics.put("best_epoch", (double) best.epoch());
                                if (!Double.isNaN(best.validationLoss())) {
                                    metrics.put("validation_loss", best.validationLoss());
                                }
                                metrics.put("train_loss", best.trainLoss());
                            });
            metrics.put("epochs_run", (double) last.epoch());
            String version =
                    modelVersion != null
                            ? modelVersion
                            : DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                                    .withZone(ZoneOffset.UTC)
                                    .format(Instant.now());
            ModelDirectory dir = SavedModelExporter.export(trained, output, version, metrics);
            out.println(
                    "model exported to "
                            + dir.root()
                            + " (version "
                            + version
                            + ", "
                            + trained.itemIds().size()
                            + " items, vector size "
                            + trained.dimension()
                            + ")");
            out.println("checkpoints kept in " + checkpoints + " (delete when no longer needed)");
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("sdm train: " + e.getMessage());
            return 2;
        }
    }

    /** Each user's most recent (in event time) non-empty profile, as the stream would hold it. */
    static Map<String, Map<String, String>> latestProfiles(List<Click> clicks) {
        Map<String, Map<String, String>> profiles = new HashMap<>();
        OfflineSessionizer.byUserInTimeOrder(clicks)
                .forEach(
                        (user, userClicks) -> {
                            for (Click c : userClicks) {
                                if (!c.profile().isEmpty()) {
                                    profiles.put(user, c.profile());
                                }
                            }
                        });
        return profiles;
    }
}
