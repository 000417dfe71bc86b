package org.sdmstream.features.clicklog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public data sets the reader knows by name: their click-log format, their side-file formats,
 * and where their files lie in a data-set directory.
 */
public enum ClickLogPreset {

    /**
     * RecBole atomic files ({@code ml-100k.inter}, {@code .item}, {@code .user}): the directory
     * holds {@code <dir name>.inter} (or exactly one {@code *.inter}) and, with the same base name,
     * the optional {@code .item} and {@code .user} files.
     */
    MOVIELENS("movielens"),
    /**
     * MovieLens 1M/10M {@code ratings.dat}; the directory holds {@code ratings.dat}; no side files
     * are read.
     */
    MOVIELENS_DAT("movielens-dat"),
    /**
     * Taobao {@code UserBehavior.csv} ({@code pv} rows only); the directory holds {@code
     * UserBehavior.csv[.gz]}.
     */
    TAOBAO("taobao");

    private final String cliName;

    ClickLogPreset(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line, e.g. {@code movielens-dat}. */
    public String cliName() {
        return cliName;
    }

    public static ClickLogPreset byName(String name) {
        for (ClickLogPreset p : values()) {
            if (p.cliName.equalsIgnoreCase(name) || p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "'; known: " + names());
    }

    /** The known names, comma-separated. */
    public static String names() {
        return Arrays.stream(values())
                .map(ClickLogPreset::cliName)
                .collect(Collectors.joining(", "));
    }

    public ClickLogFormat format() {
        return switch (this) {
            case MOVIELENS -> ClickLogFormat.movielens();
            case MOVIELENS_DAT -> ClickLogFormat.movielensDat();
            case TAOBAO -> ClickLogFormat.taobao(false);
        };
    }

    /** The format of an item-features file given with this preset. */
    public ItemFileFormat itemFormat() {
        return this == MOVIELENS
                ? ItemFileFormat.recBole()
                : ItemFileFormat.generic(format().separator());
    }

    /** The format of a user-profile file given with this preset. */
    public UserFileFormat userFormat() {
        return this == MOVIELENS
                ? UserFileFormat.recBole()
                : UserFileFormat.generic(format().separator());
    }

    /**
     * The click log and side files of this data set in {@code dir}.
     *
     * @throws BadInputException when the directory or its click log is missing or ambiguous
     */
    public ClickLogSource locate(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("data-set directory " + dir + " does not exist");
        }
        return switch (this) {
            case MOVIELENS -> {
                Path inter = findRecBoleInter(dir);
                String base = inter.getFileName().toString();
                base = base.substring(0, base.length() - ".inter".length());
                Path item = dir.resolve(base + ".item");
                Path user = dir.resolve(base + ".user");
                yield ClickLogSource.of(inter, format())
                        .withItems(Files.isRegularFile(item) ? item : null, itemFormat())
                        .withUsers(Files.isRegularFile(user) ? user : null, userFormat());
            }
            case MOVIELENS_DAT -> ClickLogSource.of(requireOneOf(dir, "ratings.dat"), format());
            case TAOBAO ->
                    ClickLogSource.of(
                            requireOneOf(dir, "UserBehavior.csv", "UserBehavior.csv.gz"), format());
        };
    }

    private static Path findRecBoleInter(Path dir) {
        Path named = dir.resolve(dir.getFileName() + ".inter");
        if (Files.isRegularFile(named)) {
            return named;
        }
        List<Path> inters = list(dir, ".inter");
        if (inters.size() != 1) {
            throw new BadInputException(
                    "expected "
                            + named.getFileName()
                            + " or exactly one *.inter file in "
                            + dir
                            + ", found "
                            + inters.stream().map(p -> p.getFileName().toString()).toList());
        }
        return inters.get(0);
    }

    private static Path requireOneOf(Path dir, String... names) {
        for (String name : names) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new BadInputException("none of " + Arrays.toString(names) + " in " + dir);
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(
                            p ->
                                    p.getFileName()
                                            .toString()
                                            .toLowerCase(Locale.ROOT)
                                            .endsWith(suffix))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir + " failed", e);
        }
    }
}
