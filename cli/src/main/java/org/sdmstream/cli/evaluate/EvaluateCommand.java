package org.sdmstream.cli.evaluate;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sdmstream.cli.options.ClickLogOptions;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.cli.options.TrainingDefaults;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.clicklog.BadInputException;
import org.sdmstream.features.clicklog.ClickLog;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.SdmConfigFile;
import org.sdmstream.model.eval.EvaluationReport;
import org.sdmstream.model.eval.EvaluationRun;
import org.sdmstream.model.eval.Evaluator;
import org.sdmstream.model.eval.ItemCoOccurrenceRecommender;
import org.sdmstream.model.eval.LeaveLastOutSplit;
import org.sdmstream.model.eval.ModelLineup;
import org.sdmstream.model.eval.ModelResult;
import org.sdmstream.model.eval.RecommenderFactory;
import org.sdmstream.model.training.EpochResult;
import org.sdmstream.model.training.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sdm evaluate}: reads a click log, splits it leave-last-out, trains every model asked for
 * on the same training part, ranks the whole catalogue for every user and writes results.md,
 * results.json and results.svg. Exit codes: 0 done, 1 a model failed, 2 bad input or flags.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        defaultValueProvider = TrainingDefaults.class,
        description = {
            "Trains and evaluates SDM against baselines on a click log (leave-last-out: each user's",
            "last click is the label, the clicks before it the input). Reports HitRate, Recall, Precision, F1",
            "and NDCG at every K as Markdown, JSON and an SVG chart."
        })
public final class EvaluateCommand implements Callable<Integer> {

    @Mixin CommonOptions console;

    @Mixin ClickLogOptions input;

    @Option(
            names = "--models",
            paramLabel = "NAME",
            split = ",",
            defaultValue = "popular,itemcf,youtubednn,sdm-short,sdm",
            description =
                    "Models to evaluate, comma-separated, in report order; known: popular, itemcf, youtubednn, "
                            + "sdm-short, sdm. Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(
            names = "--k",
            paramLabel = "K",
            split = ",",
            defaultValue = "20,50,100",
            description = "Cut-offs. Default: ${DEFAULT-VALUE}.")
    List<Integer> ks;

    @Option(
            names = "--exclude-seen",
            description = "Remove items the user clicked before the label from the rankings.")
    boolean excludeSeen;

    @Option(
            names = "--validation",
            description =
                    "Also carve each user's second-to-last click out of training as a "
                            + "validation case (models may early-stop on it).")
    boolean validation;

    // --seed, --epochs and --threads default to SdmConfig.DEFAULT's (TrainingDefaults).
    @Option(
            names = "--seed",
            description =
                    "Seed of the neural models' training (overrides the config's). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description =
                    "Most training epochs of the neural models (they may stop early). "
                            + "Default: the config's, else ${DEFAULT-VALUE}.")
    int epochs;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "JSON file with SdmConfig keys (as for sdm train, see docs/model.md): the neural models' base "
                            + "configuration; --epochs, --seed and --threads override it, each model sets its own tower.")
    Path configFile;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "TensorFlow intra-op threads for the neural models; 0 = one per core. "
                            + "Default: the config's, else ${DEFAULT-VALUE}.")
    int threads;

    @Option(
            names = "--itemcf-window",
            defaultValue = "10",
            description =
                    "Item-CF: clicks at most this many positions apart co-occur. Default: ${DEFAULT-VALUE}.")
    int itemCfWindow;

    @Option(
            names = "--itemcf-neighbours",
            defaultValue = "200",
            description = "Item-CF: similar items kept per item. Default: ${DEFAULT-VALUE}.")
    int itemCfNeighbours;

    @Option(
            names = "--itemcf-recent",
            defaultValue = "5",
            description =
                    "Item-CF: most recent input items whose neighbours are summed. Default: ${DEFAULT-VALUE}.")
    int itemCfRecent;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "evaluation",
            description =
                    "Directory for results.md, results.json, results.svg. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Spec CommandSpec spec;

    private final ModelLineup lineup;

    /** The command with the standard model lineup. */
    public EvaluateCommand() {
        this(ModelLineup.standard());
    }

    /** The command with another lineup (tests, or a build with more models). */
    public EvaluateCommand(ModelLineup lineup) {
        this.lineup = lineup;
    }

    /** The models' settings from the flags. */
    ModelLineup.Settings settings() {
        SdmConfig base = configFile == null ? SdmConfig.DEFAULT : SdmConfigFile.read(configFile);
        SdmConfig.Builder neural = base.toBuilder().seed(seed);
        if (TrainingDefaults.given(spec, "--epochs")) {
            neural.epochs(epochs);
        }
        if (TrainingDefaults.given(spec, "--threads")) {
            neural.intraOpThreads(threads);
        }
        return new ModelLineup.Settings(
                neural.build(),
                new ItemCoOccurrenceRecommender.Config(
                        itemCfWindow, itemCfNeighbours, itemCfRecent),
                new EpochLog(spec.commandLine().getErr()));
    }

    /**
     * Training progress as one line per epoch (no redrawn bar: the output often goes to a log
     * file).
     */
    private record EpochLog(PrintWriter err) implements ProgressListener {
        @Override
        public void onEpoch(EpochResult r) {
            err.printf(
                    "  epoch %d: train loss %.4f, validation loss %.4f, %.1f s%s%n",
                    r.epoch(),
                    r.trainLoss(),
                    r.validationLoss(),
                    r.seconds(),
                    r.improved() ? " (best so far)" : "");
            err.flush();
        }

        @Override
        public void onMessage(String message) {
            err.println("  " + message);
            err.flush();
        }
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        var outWriter = spec.commandLine().getOut();
        var errWriter = spec.commandLine().getErr();
        List<RecommenderFactory> factories;
        Evaluator evaluator;
        try {
            factories = lineup.select(models, settings());
            evaluator =
                    new Evaluator(
                            ks,
                            excludeSeen,
                            line -> {
                                errWriter.println(line);
                                errWriter.flush();
                            });
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ClickLog log;
        String dataset;
        try {
            dataset = input.describe();
            log = input.read(console);
        } catch (BadInputException | IllegalArgumentException e) {
            errWriter.println("evaluate: " + e.getMessage());
            errWriter.flush();
            return 2;
        }
        LeaveLastOutSplit split =
                LeaveLastOutSplit.of(
                        log.clicks(),
                        SessionRules.DEFAULT,
                        validation
                                ? LeaveLastOutSplit.Validation.SECOND_TO_LAST
                                : LeaveLastOutSplit.Validation.NONE);
        errWriter.printf(
                "split: %d users evaluated, %d skipped (fewer than 2 clicks), %d training clicks, "
                        + "%d validation cases%n",
                split.evaluatedUsers(),
                split.skippedUsers(),
                split.training().clicks().size(),
                split.training().validation().size());
        errWriter.flush();
        List<ModelResult> results = new ArrayList<>();
        int status = 0;
        for (RecommenderFactory factory : factories) {
            try {
                results.add(evaluator.evaluate(factory, split, seed));
            } catch (RuntimeException e) {
                // One failing model must not cost the others' results.
                errWriter.println("evaluate: model " + factory.name() + " failed: " + e);
                errWriter.flush();
                status = 1;
            }
        }
        EvaluationRun run =
                new EvaluationRun(
                        dataset,
                        log.clicks().size(),
                        split.training().clicks().size(),
                        split.evaluatedUsers(),
                        split.skippedUsers(),
                        evaluator.ks(),
                        excludeSeen,
                        seed,
                        results);
        EvaluationReport report = new EvaluationReport(run);
        try {
            report.writeTo(out);
        } catch (IOException e) {
            errWriter.println(
                    "evaluate: cannot write the report to " + out + ": " + e.getMessage());
            errWriter.flush();
            return 2;
        }
        outWriter.print(report.markdown());
        outWriter.flush();
        errWriter.printf(
                "evaluate: %.1f s in all; wrote %s, %s, %s to %s%n",
                (System.nanoTime() - start) / 1e9,
                EvaluationReport.MARKDOWN,
                EvaluationReport.JSON,
                EvaluationReport.SVG,
                out);
        errWriter.flush();
        return status;
    }
}
