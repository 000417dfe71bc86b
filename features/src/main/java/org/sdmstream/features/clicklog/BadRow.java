package org.sdmstream.features.clicklog;

/**
 * A row that could not be read, kept so the user can find and fix it.
 *
 * @param source the file it came from
 * @param lineNumber 1-based physical line number in that file (the header is line 1 when present)
 * @param reason what was wrong, e.g. {@code expected 4 columns, found 3}
 * @param excerpt the start of the line as read (at most {@value #MAX_EXCERPT} characters)
 */
public record BadRow(String source, long lineNumber, String reason, String excerpt) {

    public static final int MAX_EXCERPT = 120;

    static BadRow of(String source, long lineNumber, String reason, String line) {
        String excerpt =
                line.length() <= MAX_EXCERPT ? line : line.substring(0, MAX_EXCERPT) + "...";
        return new BadRow(source, lineNumber, reason, excerpt);
    }

    @Override
    public String toString() {
        return source + ":" + lineNumber + ": " + reason + " [" + excerpt + "]";
    }
}
