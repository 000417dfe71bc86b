package org.sdmstream.model.cli;

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

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sdm train}: reads a click log through the shared loader, cuts sessions with the shared
 * session rules, trains SDM (or a baseline) and exports a model directory (SavedModel, vocabularies,
 * item embeddings, metadata). Exit codes: 0 done, 1 training failed, 2 bad input or flags.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains SDM on a click log and exports a SavedModel directory for the stream and for "
                + "retrieval (see docs/model.md). Flags override --config, which overrides the defaults.")
public final class TrainCommand implements Callable<Integer> {

    @Mixin
    ClickLogInput input;

    @Option(names = "--output", paramLabel = "DIR", required = true,
            description = "Export directory (must not exist or be empty).")
    Path output;

    @Option(names = "--model-version", paramLabel = "V",
            description = "Version recorded in metadata.json. Default: the UTC time of the export, yyyyMMdd-HHmmss.")
    String modelVersion;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Where epoch checkpoints are kept. Default: <output>.checkpoints")
    Path checkpointDir;

    @Option(names = "--resume", description = "Continue from the last completed epoch in the checkpoint directory.")
    boolean resume;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON file with SdmConfig keys (see docs/model.md).")
    Path configFile;

    @Option(names = "--model", paramLabel = "NAME", description = "sdm, sdm-short (no long-term branch) or youtubednn.")
    String model;

    @Option(names = "--epochs", description = "Most epochs (early stopping may end sooner). Default 20.") Integer epochs;
    @Option(names = "--batch-size", description = "Sessions per batch. Default 64.") Integer batchSize;
    @Option(names = "--learning-rate", description = "Adam learning rate. Default 0.001.") Float learningRate;
    @Option(names = "--item-dim", description = "Item-id embedding size. Default 64.") Integer itemDim;
    @Option(names = "--category-dim", description = "Category embedding size. Default 16.") Integer categoryDim;
    @Option(names = "--brand-dim", description = "Brand embedding size. Default 16.") Integer brandDim;
    @Option(names = "--shop-dim", description = "Shop embedding size. Default 16.") Integer shopDim;
    @Option(names = "--user-dim", description = "User (and profile) embedding size. Default 64.") Integer userDim;
    @Option(names = "--hidden-size", description = "LSTM/attention size = user vector size. Default 64.") Integer hiddenSize;
    @Option(names = "--heads", description = "Self-attention heads. Default 4.") Integer heads;
    @Option(names = "--max-session", description = "Session positions the model sees (newest kept). Default 50.") Integer maxSession;
    @Option(names = "--max-history", description = "History positions the model sees (newest kept). Default 20.") Integer maxHistory;
    @Option(names = "--loss", description = "auto, full or sampled softmax. Default auto (full up to 20000 items).") String loss;
    @Option(names = "--negatives", description = "Sampled-softmax negatives per batch. Default 256.") Integer negatives;
    @Option(names = "--sampler", description = "Negative sampler: uniform or log-uniform. Default log-uniform.") String sampler;
    @Option(names = "--logit-scale", description = "Training logits = scale x (unit user vector . item embedding). Default 10.") Float logitScale;
    @Option(names = "--validation-fraction", description = "Sessions held out for early stopping. Default 0.1.") Double validationFraction;
    @Option(names = "--patience", description = "Epochs without validation improvement before stopping; 0 = never. Default 2.")
    Integer patience;
    @Option(names = "--seed", description = "Seed of initialisation, shuffling and sampling. Default 42.") Long seed;
    @Option(names = "--min-item-count", description = "Items clicked fewer times map to unknown. Default 1.") Integer minItemCount;
    @Option(names = "--next-session-label", negatable = true,
            description = "Label a session's last click with the first click of the user's next session. Default on.")
    Boolean nextSessionLabel;
    @Option(names = "--dropout", description = "Dropout rate on the input embeddings while training. Default 0.2.") Float dropout;
    @Option(names = "--label-window", description = "Train each position on one of the user's next N clicks, drawn per epoch. Default 1.")
    Integer labelWindow;
    @Option(names = "--threads", description = "TensorFlow intra-op threads; 0 = one per core.") Integer threads;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainCommand()).execute(args));
    }

    /** The configuration: defaults, then the config file, then flags. */
    SdmConfig config() {
        SdmConfig base = configFile == null ? SdmConfig.DEFAULT : SdmConfigFile.read(configFile);
        SdmConfig.Builder b = base.toBuilder();
        if (model != null) {
            switch (model.toLowerCase()) {
                case "sdm" -> b.architecture(SdmConfig.Architecture.SDM).longTerm(true);
                case "sdm-short" -> b.architecture(SdmConfig.Architecture.SDM).longTerm(false);
                case "youtubednn", "youtube-dnn" -> b.architecture(SdmConfig.Architecture.YOUTUBE_DNN);
                default -> throw new IllegalArgumentException("unknown --model '" + model + "': sdm, sdm-short, youtubednn");
            }
        }
        if (epochs != null) b.epochs(epochs);
        if (batchSize != null) b.batchSize(batchSize);
        if (learningRate != null) b.learningRate(learningRate);
        if (itemDim != null) b.itemEmbeddingDim(itemDim);
        if (categoryDim != null) b.categoryEmbeddingDim(categoryDim);
        if (brandDim != null) b.brandEmbeddingDim(brandDim);
        if (shopDim != null) b.shopEmbeddingDim(shopDim);
        if (userDim != null) b.userEmbeddingDim(userDim);
        if (hiddenSize != null) b.hiddenSize(hiddenSize);
        if (heads != null) b.heads(heads);
        if (maxSession != null) b.maxSessionLength(maxSession);
        if (maxHistory != null) b.maxHistoryLength(maxHistory);
        if (loss != null) {
            b.loss(switch (loss.toLowerCase()) {
                case "auto" -> SdmConfig.LossType.AUTO;
                case "full" -> SdmConfig.LossType.FULL_SOFTMAX;
                case "sampled" -> SdmConfig.LossType.SAMPLED_SOFTMAX;
                default -> throw new IllegalArgumentException("unknown --loss '" + loss + "': auto, full, sampled");
            });
        }
        if (negatives != null) b.negatives(negatives);
        if (sampler != null) {
            b.sampler(switch (sampler.toLowerCase()) {
                case "uniform" -> SdmConfig.Sampler.UNIFORM;
                case "log-uniform", "loguniform" -> SdmConfig.Sampler.LOG_UNIFORM;
                default -> throw new IllegalArgumentException("unknown --sampler '" + sampler + "': uniform, log-uniform");
            });
        }
        if (logitScale != null) b.logitScale(logitScale);
        if (validationFraction != null) b.validationFraction(validationFraction);
        if (patience != null) b.patience(patience);
        if (seed != null) b.seed(seed);
        if (minItemCount != null) b.minItemCount(minItemCount);
        if (nextSessionLabel != null) b.nextSessionLabel(nextSessionLabel);
        if (dropout != null) b.dropout(dropout);
        if (labelWindow != null) b.labelWindow(labelWindow);
        if (threads != null) b.intraOpThreads(threads);
        return b.build();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
        PrintWriter err = spec == null ? new PrintWriter(System.err, true) : spec.commandLine().getErr();
        SdmConfig config;
        List<Click> clicks;
        try {
            config = config();
            if (Files.isDirectory(output)) {
                try (var entries = Files.list(output)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("--output " + output + " is not empty: choose a new directory");
                    }
                }
            }
            clicks = input.read(err::println).clicks();
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
        err.printf("%d clicks, %d users, %d sessions; model %s%n", clicks.size(),
                sessions.stream().map(Session::userId).distinct().count(), sessions.size(), config.modelName());
        Path checkpoints = checkpointDir != null ? checkpointDir
                : output.resolveSibling(output.getFileName() + ".checkpoints");
        try (TrainedSdm trained = new SdmTrainer(config).withProfiles(u -> profiles.getOrDefault(u, Map.of()))
                .withCheckpoints(checkpoints, resume).train(sessions, new ProgressBar(err, config.epochs()))) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            EpochResult last = trained.epochs().get(trained.epochs().size() - 1);
            trained.epochs().stream().filter(EpochResult::improved).reduce((a, b) -> b).ifPresent(best -> {
                metrics.put("best_epoch", (double) best.epoch());
                if (!Double.isNaN(best.validationLoss())) {
                    metrics.put("validation_loss", best.validationLoss());
                }
                metrics.put("train_loss", best.trainLoss());
            });
            metrics.put("epochs_run", (double) last.epoch());
            String version = modelVersion != null ? modelVersion
                    : DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
            ModelDirectory dir = SavedModelExporter.export(trained, output, version, metrics);
            out.println("model exported to " + dir.root() + " (version " + version + ", " + trained.itemIds().size()
                    + " items, vector size " + trained.dimension() + ")");
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
        OfflineSessionizer.byUserInTimeOrder(clicks).forEach((user, userClicks) -> {
            for (Click c : userClicks) {
                if (!c.profile().isEmpty()) {
                    profiles.put(user, c.profile());
                }
            }
        });
        return profiles;
    }
}
