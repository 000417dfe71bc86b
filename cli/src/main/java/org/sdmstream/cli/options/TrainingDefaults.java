package org.sdmstream.cli.options;

import java.util.Map;
import java.util.function.Function;
import org.sdmstream.features.clicklog.ClickLogPreset;
import org.sdmstream.model.SdmConfig;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of {@code sdm train} and {@code sdm evaluate}, read from {@link SdmConfig#DEFAULT}
 * (and the MovieLens preset for the click log), so help texts show them through {@code
 * ${DEFAULT-VALUE}} and no number is written twice. Because picocli assigns these to flags not
 * given, a command applies a model flag over its base config only when {@link #given given}: a
 * {@code --config} file must win over a default.
 */
public final class TrainingDefaults implements IDefaultValueProvider {

    /** Flag (longest name) -> its default, from the config. */
    private static final Map<String, Function<SdmConfig, Object>> FLAGS =
            Map.ofEntries(
                    Map.entry("--model", TrainingDefaults::modelFlag),
                    Map.entry("--epochs", SdmConfig::epochs),
                    Map.entry("--batch-size", SdmConfig::batchSize),
                    Map.entry("--learning-rate", SdmConfig::learningRate),
                    Map.entry("--item-dim", SdmConfig::itemEmbeddingDim),
                    Map.entry("--category-dim", SdmConfig::categoryEmbeddingDim),
                    Map.entry("--brand-dim", SdmConfig::brandEmbeddingDim),
                    Map.entry("--shop-dim", SdmConfig::shopEmbeddingDim),
                    Map.entry("--user-dim", SdmConfig::userEmbeddingDim),
                    Map.entry("--hidden-size", SdmConfig::hiddenSize),
                    Map.entry("--heads", SdmConfig::heads),
                    Map.entry("--max-session", SdmConfig::maxSessionLength),
                    Map.entry("--max-history", SdmConfig::maxHistoryLength),
                    Map.entry("--loss", c -> lossFlag(c.loss())),
                    Map.entry("--negatives", SdmConfig::negatives),
                    Map.entry(
                            "--sampler",
                            c ->
                                    c.sampler() == SdmConfig.Sampler.UNIFORM
                                            ? "uniform"
                                            : "log-uniform"),
                    Map.entry("--logit-scale", SdmConfig::logitScale),
                    Map.entry("--validation-fraction", SdmConfig::validationFraction),
                    Map.entry("--patience", SdmConfig::patience),
                    Map.entry("--seed", SdmConfig::seed),
                    Map.entry("--min-item-count", SdmConfig::minItemCount),
                    Map.entry("--next-session-label", SdmConfig::nextSessionLabel),
                    Map.entry("--dropout", SdmConfig::dropout),
                    Map.entry("--weight-decay", SdmConfig::weightDecay),
                    Map.entry("--label-window", SdmConfig::labelWindow),
                    Map.entry("--threads", SdmConfig::intraOpThreads),
                    Map.entry("--preset", c -> ClickLogPreset.MOVIELENS.cliName()));

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        Function<SdmConfig, Object> flag = FLAGS.get(option.longestName());
        return flag == null ? null : String.valueOf(flag.apply(SdmConfig.DEFAULT));
    }

    /**
     * Whether the user gave {@code flag} in the command's latest parse (rather than taking its
     * default).
     */
    public static boolean given(CommandSpec spec, String flag) {
        return spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** The {@code --model} name of a config's tower. */
    public static String modelFlag(SdmConfig config) {
        if (config.architecture() == SdmConfig.Architecture.YOUTUBE_DNN) {
            return "youtubednn";
        }
        return config.longTerm() ? "sdm" : "sdm-short";
    }

    /** The {@code --loss} name of a loss type. */
    private static String lossFlag(SdmConfig.LossType loss) {
        return switch (loss) {
            case AUTO -> "auto";
            case FULL_SOFTMAX -> "full";
            case SAMPLED_SOFTMAX -> "sampled";
        };
    }
}
