package org.sdmstream.features.clicklog;

import java.util.List;

/**
 * What reading one delimited file found: how many rows became records, how many were bad (with the
 * first few kept, line numbers included), how many were skipped on purpose. Bad rows are never
 * dropped silently: the caller decides, e.g. with {@link #requireBadRowsAtMost(long)}, whether they
 * are acceptable.
 *
 * @param source the file read
 * @param lines physical lines read, header included
 * @param records rows that became records (clicks, items or users)
 * @param badRows rows that could not be read
 * @param skippedRows rows left out on purpose by the format (e.g. Taobao rows that are not {@code
 *     pv} clicks)
 * @param blankLines empty lines, ignored
 * @param firstBadRows the first bad rows, in file order (at most the reader's limit)
 * @param stoppedEarly whether reading stopped before the end because too many rows were bad
 * @param missingItemFeatures clicks whose item was not in the item-features file (0 without one)
 * @param missingProfiles clicks whose user was not in the user-profile file (0 without one)
 * @param elapsedMillis wall time spent reading
 */
public record ReadReport(
        String source,
        long lines,
        long records,
        long badRows,
        long skippedRows,
        long blankLines,
        List<BadRow> firstBadRows,
        boolean stoppedEarly,
        long missingItemFeatures,
        long missingProfiles,
        long elapsedMillis) {

    public ReadReport {
        firstBadRows = List.copyOf(firstBadRows);
    }

    /**
     * Throws when more than {@code maxBadRows} rows were bad (or reading stopped early), with the
     * first bad rows and their line numbers in the message.
     */
    public ReadReport requireBadRowsAtMost(long maxBadRows) {
        if (badRows > maxBadRows || stoppedEarly) {
            throw new BadInputException(this, maxBadRows);
        }
        return this;
    }

    /** One line for logs, e.g. {@code ml-100k.inter: 100000 records, 0 bad, 0 skipped, 12 ms}. */
    public String summary() {
        StringBuilder s =
                new StringBuilder()
                        .append(source)
                        .append(": ")
                        .append(records)
                        .append(" records, ")
                        .append(badRows)
                        .append(" bad, ")
                        .append(skippedRows)
                        .append(" skipped");
        if (missingItemFeatures > 0) {
            s.append(", ").append(missingItemFeatures).append(" without item features");
        }
        if (missingProfiles > 0) {
            s.append(", ").append(missingProfiles).append(" without profile");
        }
        if (stoppedEarly) {
            s.append(", STOPPED EARLY after ").append(lines).append(" lines");
        }
        return s.append(", ").append(elapsedMillis).append(" ms").toString();
    }
}
