package org.sdmstream.features.clicklog;

/**
 * Thrown when an input file has more bad rows than the caller accepts; the message lists the first
 * ones.
 */
public final class BadInputException extends RuntimeException {

    private final transient ReadReport report;

    BadInputException(ReadReport report, long maxBadRows) {
        super(message(report, maxBadRows));
        this.report = report;
    }

    /** A file that cannot be read at all (missing header column, no header line, unreadable). */
    BadInputException(String message) {
        super(message);
        this.report = null;
    }

    BadInputException(String message, Throwable cause) {
        super(message, cause);
        this.report = null;
    }

    /** The report behind the failure, or null when the file could not be read at all. */
    public ReadReport report() {
        return report;
    }

    private static String message(ReadReport r, long maxBadRows) {
        StringBuilder s =
                new StringBuilder()
                        .append(r.source())
                        .append(": ")
                        .append(r.badRows())
                        .append(" bad rows");
        if (r.stoppedEarly()) {
            s.append(" or more (stopped reading at line ").append(r.lines()).append(")");
        }
        s.append(", at most ").append(maxBadRows).append(" allowed");
        for (BadRow bad : r.firstBadRows()) {
            s.append(System.lineSeparator())
                    .append("  line ")
                    .append(bad.lineNumber())
                    .append(": ")
                    .append(bad.reason())
                    .append(" [")
                    .append(bad.excerpt())
                    .append("]");
        }
        if (r.badRows() > r.firstBadRows().size()) {
            s.append(System.lineSeparator())
                    .append("  ... and ")
                    .append(r.badRows() - r.firstBadRows().size())
                    .append(" more");
        }
        return s.toString();
    }
}
