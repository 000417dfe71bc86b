package org.sdmstream.features.clicklog;

import java.util.ArrayList;
import java.util.List;
import org.sdmstream.features.Click;

/**
 * The clicks read from a click log, in file order, with what reading the log and its side files
 * found. Hand {@link #clicks()} to {@link org.sdmstream.features.OfflineSessionizer}, which orders
 * them per user by event time.
 *
 * @param clicks the clicks, in file order
 * @param report the click log's report
 * @param itemsReport the item-features file's report, or null without one
 * @param usersReport the user-profile file's report, or null without one
 */
public record ClickLog(
        List<Click> clicks, ReadReport report, ReadReport itemsReport, ReadReport usersReport) {

    public ClickLog {
        clicks = List.copyOf(clicks);
    }

    /** The reports of every file read: the log first, then the item and user files when present. */
    public List<ReadReport> reports() {
        List<ReadReport> all = new ArrayList<>(3);
        all.add(report);
        if (itemsReport != null) {
            all.add(itemsReport);
        }
        if (usersReport != null) {
            all.add(usersReport);
        }
        return all;
    }

    /** Bad rows over all files read. */
    public long badRows() {
        return reports().stream().mapToLong(ReadReport::badRows).sum();
    }

    /**
     * Throws {@link BadInputException} (listing the first bad rows with line numbers) when any file
     * read has more than {@code maxBadRowsPerFile} bad rows.
     */
    public ClickLog requireBadRowsAtMost(long maxBadRowsPerFile) {
        reports().forEach(r -> r.requireBadRowsAtMost(maxBadRowsPerFile));
        return this;
    }
}
