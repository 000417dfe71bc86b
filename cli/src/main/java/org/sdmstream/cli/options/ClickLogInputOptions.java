package org.sdmstream.cli.options;

import java.nio.file.Path;
import org.sdmstream.features.clicklog.BadRow;
import org.sdmstream.features.clicklog.ClickLog;
import org.sdmstream.features.clicklog.ClickLogFormat;
import org.sdmstream.features.clicklog.ClickLogPreset;
import org.sdmstream.features.clicklog.ClickLogSource;
import org.sdmstream.features.clicklog.ColumnRef;
import org.sdmstream.features.clicklog.ItemFileFormat;
import org.sdmstream.features.clicklog.ReadLimits;
import org.sdmstream.features.clicklog.ReadReport;
import org.sdmstream.features.clicklog.TimeFormat;
import org.sdmstream.features.clicklog.UserFileFormat;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where a command reads clicks from and in which format: a file ({@code --input}, alias {@code
 * --log}) or a named data set's directory ({@code --dataset-dir} with {@code --preset}), column and
 * format overrides, and how many bad rows are acceptable. The side files (item features, user
 * profiles) are named by the subclass: {@link ClickLogOptions} ({@code --items}, {@code --users})
 * or {@link ReplayLogOptions} (whose commands use {@code --items}/{@code --users} for the click
 * generator).
 */
public abstract class ClickLogInputOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
            names = {"--input", "--log"},
            paramLabel = "FILE",
            order = 1,
            description =
                    "The click log: a delimited text file, optionally gzipped (.gz). --log is an older name.")
    Path input;

    @Option(
            names = "--dataset-dir",
            paramLabel = "DIR",
            order = 2,
            description =
                    "A data set's directory; its files are found by --preset (movielens: <dir>.inter, .item, .user).")
    Path datasetDir;

    @Option(
            names = "--preset",
            paramLabel = "NAME",
            order = 3,
            description =
                    "A known format: movielens (RecBole .inter), movielens-dat (ratings.dat), taobao "
                            + "(UserBehavior.csv). The options below override its settings. sdm train and sdm evaluate "
                            + "read movielens when none is given.")
    String preset;

    @Option(
            names = "--user",
            paramLabel = "COLUMN",
            order = 4,
            description = "User id column: a header name or a 0-based index.")
    String user;

    @Option(names = "--item", paramLabel = "COLUMN", order = 5, description = "Item id column.")
    String item;

    @Option(names = "--time", paramLabel = "COLUMN", order = 6, description = "Event time column.")
    String time;

    @Option(
            names = "--session",
            paramLabel = "COLUMN",
            order = 7,
            description = "Client session id column (optional).")
    String session;

    @Option(
            names = "--category",
            paramLabel = "COLUMN",
            order = 8,
            description = "Category column (optional).")
    String category;

    @Option(
            names = "--brand",
            paramLabel = "COLUMN",
            order = 9,
            description = "Brand column (optional).")
    String brand;

    @Option(
            names = "--shop",
            paramLabel = "COLUMN",
            order = 10,
            description = "Shop column (optional).")
    String shop;

    @Option(
            names = "--sep",
            paramLabel = "SEP",
            order = 11,
            description =
                    "Field separator: tab, comma, semicolon, pipe, space or literal text such as :: "
                            + "(default: the preset's, else tab).")
    String separator;

    @Option(
            names = "--time-format",
            paramLabel = "FORMAT",
            order = 12,
            description =
                    "epoch_s, epoch_ms, iso, or a java.time pattern read as UTC, e.g. 'yyyy-MM-dd HH:mm:ss' "
                            + "(default: the preset's, else epoch_s).")
    String timeFormat;

    @Option(
            names = "--no-header",
            order = 13,
            description = "The file has no header line: give columns as 0-based indices.")
    boolean noHeader;

    @Option(
            names = "--all-behaviors",
            order = 14,
            description = "taobao: keep every row (pv, buy, cart, fav) as a click, not only pv.")
    boolean allBehaviors;

    @Option(
            names = "--max-bad-rows",
            paramLabel = "N",
            order = 17,
            defaultValue = "0",
            description =
                    "Fail when a file has more than N bad rows (default: ${DEFAULT-VALUE}). Bad rows within "
                            + "the limit are left out and listed on standard error with their line numbers.")
    long maxBadRows;

    /** The files and formats these options name; inconsistent options are usage errors. */
    public ClickLogSource source() {
        if ((input == null) == (datasetDir == null)) {
            throw usage("give exactly one of --input FILE or --dataset-dir DIR");
        }
        if (maxBadRows < 0) {
            throw usage("--max-bad-rows must be >= 0");
        }
        ClickLogPreset named = null;
        if (preset != null) {
            try {
                named = ClickLogPreset.byName(preset);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        if (allBehaviors && named != ClickLogPreset.TAOBAO) {
            throw usage("--all-behaviors applies to --preset taobao only");
        }
        if (datasetDir != null && named == null) {
            throw usage("--dataset-dir needs --preset (" + ClickLogPreset.names() + ")");
        }
        ClickLogFormat format = format(named == null ? null : named.format());
        ClickLogSource source;
        if (datasetDir != null) {
            source = named.locate(datasetDir).withFormat(format);
        } else {
            source = ClickLogSource.of(input, format);
        }
        Path items = itemFeaturesFile();
        Path users = userProfilesFile();
        if (items != null) {
            source =
                    source.withItems(
                            items,
                            named == ClickLogPreset.MOVIELENS
                                    ? ItemFileFormat.recBole()
                                    : ItemFileFormat.generic(format.separator()));
        }
        if (users != null) {
            source =
                    source.withUsers(
                            users,
                            named == ClickLogPreset.MOVIELENS
                                    ? UserFileFormat.recBole()
                                    : UserFileFormat.generic(format.separator()));
        }
        return source;
    }

    /** The preset's format (null for none) with the column and format options applied. */
    private ClickLogFormat format(ClickLogFormat base) {
        ClickLogFormat.Builder b;
        if (base == null) {
            if (user == null || item == null || time == null) {
                throw usage("without --preset, give the columns: --user, --item and --time");
            }
            b = ClickLogFormat.builder();
        } else {
            b = base.toBuilder();
        }
        try {
            if (user != null) {
                b.user(ColumnRef.parse(user));
            }
            if (item != null) {
                b.item(ColumnRef.parse(item));
            }
            if (time != null) {
                b.time(ColumnRef.parse(time));
            }
            if (session != null) {
                b.session(ColumnRef.parse(session));
            }
            if (category != null) {
                b.category(ColumnRef.parse(category));
            }
            if (brand != null) {
                b.brand(ColumnRef.parse(brand));
            }
            if (shop != null) {
                b.shop(ColumnRef.parse(shop));
            }
            if (separator != null) {
                b.separator(ClickLogFormat.parseSeparator(separator));
            }
            if (timeFormat != null) {
                b.timeFormat(TimeFormat.parse(timeFormat));
            }
            if (noHeader) {
                b.header(false);
            }
            if (allBehaviors) {
                b.keepAll();
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /**
     * Reads the clicks, notes each file's counts on standard error, lists bad rows within the
     * limit, and fails (BadInputException, exit 1) when a file has more than {@code
     * --max-bad-rows}.
     */
    public ClickLog read(CommonOptions console) {
        ClickLogSource source = source();
        console.note("reading %s as %s", source.log(), source.format());
        ClickLog log = source.read(ReadLimits.failAfter(maxBadRows));
        for (ReadReport r : log.reports()) {
            console.note("%s", r.summary());
        }
        log.requireBadRowsAtMost(maxBadRows);
        for (ReadReport r : log.reports()) {
            if (r.badRows() > 0) {
                console.warn(
                        "%d bad rows left out of %s (--max-bad-rows %d):",
                        r.badRows(), r.source(), maxBadRows);
                for (BadRow bad : r.firstBadRows()) {
                    console.warn(
                            "  line %d: %s [%s]", bad.lineNumber(), bad.reason(), bad.excerpt());
                }
                if (r.badRows() > r.firstBadRows().size()) {
                    console.warn("  ... and %d more", r.badRows() - r.firstBadRows().size());
                }
            }
        }
        return log;
    }

    /** The item features file, or null. */
    protected abstract Path itemFeaturesFile();

    /** The user profile file, or null. */
    protected abstract Path userProfilesFile();

    /** What is read, for reports: the data-set directory or the click file as given. */
    public String describe() {
        return String.valueOf(datasetDir != null ? datasetDir : input);
    }

    /** Whether a click file or data set was named at all. */
    public boolean given() {
        return input != null || datasetDir != null;
    }

    public long maxBadRows() {
        return maxBadRows;
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
