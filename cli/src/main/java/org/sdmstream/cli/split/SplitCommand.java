package org.sdmstream.cli.split;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sdmstream.cli.options.ClickLogOptions;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.cli.options.TrainingDefaults;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.clicklog.BadInputException;
import org.sdmstream.features.clicklog.ClickLog;
import org.sdmstream.model.eval.LeaveLastOutSplit;
import org.sdmstream.model.eval.SplitExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sdm split}: writes the leave-last-out split that {@code sdm evaluate} trains and scores on
 * as plain files ({@link SplitExport}), for models of other libraries (model/peers/). Exit codes: 0
 * done, 2 bad input or flags or an unwritable directory.
 */
@Command(
        name = "split",
        mixinStandardHelpOptions = true,
        defaultValueProvider = TrainingDefaults.class,
        description = {
            "Writes the leave-last-out split of sdm evaluate (training clicks, validation and test",
            "cases, candidate items, user profiles) as tab-separated files, for peer models."
        })
public final class SplitCommand implements Callable<Integer> {

    @Mixin CommonOptions console;

    @Mixin ClickLogOptions input;

    @Option(
            names = "--validation",
            description =
                    "Also carve each user's second-to-last click out of training as a validation "
                            + "case, as sdm evaluate --validation does.")
    boolean validation;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "split",
            description =
                    "Directory for train.tsv, validation.tsv, test.tsv, items.tsv, users.tsv, "
                            + "split.json. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        ClickLog log;
        String dataset;
        try {
            dataset = input.describe();
            log = input.read(console);
        } catch (BadInputException | IllegalArgumentException e) {
            err.println("split: " + e.getMessage());
            err.flush();
            return 2;
        }
        // The same call as sdm evaluate's, so the files hold exactly the split it evaluates on.
        LeaveLastOutSplit split =
                LeaveLastOutSplit.of(
                        log.clicks(),
                        SessionRules.DEFAULT,
                        validation
                                ? LeaveLastOutSplit.Validation.SECOND_TO_LAST
                                : LeaveLastOutSplit.Validation.NONE);
        try {
            new SplitExport(split, dataset, log.clicks().size()).writeTo(out);
        } catch (IOException | IllegalArgumentException e) {
            err.println("split: cannot write the split to " + out + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        err.printf(
                "split: %d users evaluated, %d skipped (fewer than 2 clicks), %d training clicks, "
                        + "%d validation cases; wrote %s%n",
                split.evaluatedUsers(),
                split.skippedUsers(),
                split.training().clicks().size(),
                split.training().validation().size(),
                out);
        err.flush();
        return 0;
    }
}
