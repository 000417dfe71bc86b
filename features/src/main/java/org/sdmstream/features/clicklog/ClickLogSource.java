package org.sdmstream.features.clicklog;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a data set's clicks come from: the click log with its format and, optionally, an
 * item-features file and a user-profile file with theirs. The usual entry point: {@code
 * ClickLogSource.dataset(dir, ClickLogPreset.MOVIELENS).read()}.
 *
 * @param log the click log
 * @param format the click log's format
 * @param items the item-features file, or null
 * @param itemFormat its format (ignored without the file)
 * @param users the user-profile file, or null
 * @param userFormat its format (ignored without the file)
 */
public record ClickLogSource(
        Path log,
        ClickLogFormat format,
        Path items,
        ItemFileFormat itemFormat,
        Path users,
        UserFileFormat userFormat) {

    public ClickLogSource {
        Objects.requireNonNull(log, "click log");
        Objects.requireNonNull(format, "format");
        if (items != null) {
            Objects.requireNonNull(itemFormat, "item file format");
        }
        if (users != null) {
            Objects.requireNonNull(userFormat, "user file format");
        }
    }

    /** A click log without side files. */
    public static ClickLogSource of(Path log, ClickLogFormat format) {
        return new ClickLogSource(log, format, null, null, null, null);
    }

    /** A named data set's files in {@code dir}; see {@link ClickLogPreset#locate(Path)}. */
    public static ClickLogSource dataset(Path dir, ClickLogPreset preset) {
        return preset.locate(dir);
    }

    /** The same source with another item-features file (null for none). */
    public ClickLogSource withItems(Path file, ItemFileFormat fileFormat) {
        return new ClickLogSource(log, format, file, fileFormat, users, userFormat);
    }

    /** The same source with another user-profile file (null for none). */
    public ClickLogSource withUsers(Path file, UserFileFormat fileFormat) {
        return new ClickLogSource(log, format, items, itemFormat, file, fileFormat);
    }

    /** The same source with another click-log format (e.g. a preset with one setting changed). */
    public ClickLogSource withFormat(ClickLogFormat newFormat) {
        return new ClickLogSource(log, newFormat, items, itemFormat, users, userFormat);
    }

    /** Reads the side files, then every click, keeping the first 20 bad rows of each file. */
    public ClickLog read() {
        return read(ReadLimits.DEFAULT);
    }

    /**
     * Reads the side files, then every click. Bad rows are reported, not thrown: check the result.
     */
    public ClickLog read(ReadLimits limits) {
        ItemCatalog catalog = items == null ? null : ItemCatalog.read(items, itemFormat, limits);
        UserProfiles profiles = users == null ? null : UserProfiles.read(users, userFormat, limits);
        return new ClickLogReader(format, catalog, profiles, limits).readAll(log);
    }
}
