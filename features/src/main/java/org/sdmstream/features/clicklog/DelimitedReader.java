package org.sdmstream.features.clicklog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Streams the rows of one delimited text file (UTF-8, optionally gzipped) to a row handler, line by
 * line without holding the text, and counts what became of each row. Shared by the click-log,
 * item-feature and user-profile readers so they report bad rows the same way.
 */
final class DelimitedReader {

    /** What a row handler did with a row. */
    enum Outcome {
        RECORD,
        SKIPPED
    }

    /** Thrown by a row handler for a row that cannot be read; the message is the reason. */
    static final class RowError extends Exception {
        RowError(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Handles the data rows of a file. {@code fields} is reused between rows: copy what you keep.
     */
    interface RowHandler {
        Outcome row(List<String> fields, long lineNumber) throws RowError;
    }

    /**
     * Creates the row handler once the header (null without one) is known; may throw
     * BadInputException.
     */
    interface HandlerFactory {
        RowHandler forHeader(List<String> header);
    }

    private final String separator;
    private final boolean hasHeader;

    /**
     * Column count every row must have; 0 = as many as the header, or any count when there is none.
     */
    private final int expectedColumns;

    private final int keepBadRows;
    private final long stopAfterBadRows;

    DelimitedReader(
            String separator,
            boolean hasHeader,
            int expectedColumns,
            int keepBadRows,
            long stopAfterBadRows) {
        if (separator == null || separator.isEmpty()) {
            throw new IllegalArgumentException("separator must not be empty");
        }
        this.separator = separator;
        this.hasHeader = hasHeader;
        this.expectedColumns = expectedColumns;
        this.keepBadRows = keepBadRows;
        this.stopAfterBadRows = stopAfterBadRows;
    }

    /** Counts kept while reading; turned into a {@link ReadReport} at the end. */
    static final class Tally {
        long lines;
        long records;
        long badRows;
        long skippedRows;
        long blankLines;
        boolean stoppedEarly;
        long missingItemFeatures;
        long missingProfiles;
        final List<BadRow> firstBadRows = new ArrayList<>();

        ReadReport report(String source, long startNanos) {
            return new ReadReport(
                    source,
                    lines,
                    records,
                    badRows,
                    skippedRows,
                    blankLines,
                    firstBadRows,
                    stoppedEarly,
                    missingItemFeatures,
                    missingProfiles,
                    (System.nanoTime() - startNanos) / 1_000_000);
        }
    }

    ReadReport read(Path file, HandlerFactory factory) {
        return read(file, factory, new Tally());
    }

    ReadReport read(Path file, HandlerFactory factory, Tally tally) {
        long startNanos = System.nanoTime();
        String source = file.toString();
        try (BufferedReader in = open(file)) {
            List<String> fields = new ArrayList<>();
            int columns = expectedColumns;
            RowHandler handler;
            String line = in.readLine();
            if (line != null && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            if (hasHeader) {
                if (line == null) {
                    throw new BadInputException(source + ": empty file, expected a header line");
                }
                tally.lines++;
                List<String> header = new ArrayList<>();
                split(line, header);
                handler = factory.forHeader(List.copyOf(header));
                if (columns == 0) {
                    columns = header.size();
                }
                line = in.readLine();
            } else {
                handler = factory.forHeader(null);
            }
            for (; line != null; line = in.readLine()) {
                long lineNumber = ++tally.lines;
                if (line.isBlank()) {
                    tally.blankLines++;
                    continue;
                }
                split(line, fields);
                try {
                    if (columns > 0 && fields.size() != columns) {
                        throw new RowError(
                                "expected " + columns + " columns, found " + fields.size());
                    }
                    if (handler.row(fields, lineNumber) == Outcome.RECORD) {
                        tally.records++;
                    } else {
                        tally.skippedRows++;
                    }
                } catch (RowError e) {
                    tally.badRows++;
                    if (tally.firstBadRows.size() < keepBadRows) {
                        tally.firstBadRows.add(
                                BadRow.of(
                                        file.getFileName().toString(),
                                        lineNumber,
                                        e.getMessage(),
                                        line));
                    }
                    if (tally.badRows > stopAfterBadRows) {
                        // The caller will reject the file anyway; do not read 100M rows of a wrong
                        // format.
                        tally.stoppedEarly = true;
                        break;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException("no such file: " + source, e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "reading " + source + " failed at line " + tally.lines, e);
        }
        return tally.report(source, startNanos);
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        // Replace bad bytes instead of failing: old MovieLens files carry Latin-1 titles.
        var decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
    }

    /**
     * Splits on the separator literally (no quoting), keeping empty fields, trailing ones included.
     */
    void split(String line, List<String> out) {
        out.clear();
        int from = 0;
        if (separator.length() == 1) {
            char sep = separator.charAt(0);
            for (int i = 0; i < line.length(); i++) {
                if (line.charAt(i) == sep) {
                    out.add(line.substring(from, i));
                    from = i + 1;
                }
            }
        } else {
            for (int i = line.indexOf(separator); i >= 0; i = line.indexOf(separator, from)) {
                out.add(line.substring(from, i));
                from = i + separator.length();
            }
        }
        out.add(line.substring(from));
    }

    /** Resolves a column against the header or fails the whole file with a clear message. */
    static int require(ColumnRef column, String role, List<String> header, String source) {
        if (column.isIndex()) {
            return column.index();
        }
        int at = column.resolve(header);
        if (at < 0) {
            throw new BadInputException(
                    header == null
                            ? source
                                    + ": the "
                                    + role
                                    + " column is given by name "
                                    + column
                                    + " but the file has no header; give a 0-based index"
                            : source
                                    + ": no "
                                    + role
                                    + " column "
                                    + column
                                    + " in the header "
                                    + header);
        }
        return at;
    }

    /** The field at {@code index}, or a row error when the row is too short. */
    static String field(List<String> fields, int index, String role) throws RowError {
        if (index >= fields.size()) {
            throw new RowError(
                    "no "
                            + role
                            + " column (#"
                            + index
                            + "), row has "
                            + fields.size()
                            + " columns");
        }
        return fields.get(index).strip();
    }
}
