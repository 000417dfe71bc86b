package org.sdmstream.model.cli;

import java.nio.file.Path;

import org.sdmstream.features.clicklog.ClickLog;
import org.sdmstream.features.clicklog.ClickLogPreset;
import org.sdmstream.features.clicklog.ClickLogSource;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The click-log input of {@code sdm train} and {@code sdm evaluate} (a picocli mixin): a data-set
 * directory or one file, read with a preset format through the shared loader.
 */
public final class ClickLogInput {

    /** A data-set directory or one click-log file. */
    static final class Where {
        @Option(names = "--dataset-dir", paramLabel = "DIR",
                description = "Data-set directory, e.g. data/ml-100k (the preset says which files it holds).")
        Path datasetDir;

        @Option(names = "--log", paramLabel = "FILE",
                description = "A single click-log file in the preset's format, without side files.")
        Path log;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "movielens",
            description = "Click-log format: movielens (RecBole .inter/.item/.user), movielens-dat, taobao. Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--max-bad-rows", paramLabel = "N", defaultValue = "0",
            description = "Bad rows tolerated per input file before giving up. Default: ${DEFAULT-VALUE}.")
    long maxBadRows;

    /** What was read, for reports: the directory or the file. */
    public String describe() {
        return (where.datasetDir != null ? where.datasetDir : where.log).toString();
    }

    /**
     * Reads the clicks, printing each file's report to {@code reports}.
     *
     * @throws org.sdmstream.features.clicklog.BadInputException past {@code --max-bad-rows}, or unreadable input
     * @throws IllegalArgumentException for an unknown preset
     */
    public ClickLog read(java.util.function.Consumer<String> reports) {
        ClickLogPreset format = ClickLogPreset.byName(preset);
        ClickLogSource source = where.datasetDir != null
                ? ClickLogSource.dataset(where.datasetDir, format)
                : ClickLogSource.of(where.log, format.format());
        ClickLog log = source.read();
        log.reports().forEach(r -> reports.accept(r.summary()));
        return log.requireBadRowsAtMost(maxBadRows);
    }
}
