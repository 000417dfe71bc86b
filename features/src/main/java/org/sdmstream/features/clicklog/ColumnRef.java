package org.sdmstream.features.clicklog;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A column of a delimited file, by header name or by 0-based position. Header names match
 * case-insensitively, either whole or by the part before a colon, so the RecBole atomic header
 * {@code user_id:token} is found as {@code user_id}. A name may list alternatives separated by
 * {@code |} ({@code class|genre}): the first one present in the header is used.
 *
 * @param name the header name, or null when the column is given by position
 * @param index the 0-based position, or -1 when the column is given by name
 */
public record ColumnRef(String name, int index) {

    public ColumnRef {
        if ((name == null) == (index < 0)) {
            throw new IllegalArgumentException("a column is either a name or a 0-based index");
        }
    }

    public static ColumnRef named(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("column name must not be blank");
        }
        return new ColumnRef(name, -1);
    }

    public static ColumnRef at(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("column index must be >= 0, got " + index);
        }
        return new ColumnRef(null, index);
    }

    /**
     * Reads a command-line value: all digits means a 0-based index, anything else a header name.
     */
    public static ColumnRef parse(String text) {
        Objects.requireNonNull(text, "column");
        String t = text.strip();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            return at(Integer.parseInt(t));
        }
        return named(t);
    }

    public boolean isIndex() {
        return index >= 0;
    }

    /** The header name without a RecBole {@code :type} suffix. */
    static String baseName(String headerField) {
        int colon = headerField.indexOf(':');
        return (colon < 0 ? headerField : headerField.substring(0, colon)).strip();
    }

    /**
     * The column's position in {@code header} (null when the file has none), or -1 if it is not
     * there.
     */
    int resolve(List<String> header) {
        if (isIndex()) {
            return header == null || index < header.size() ? index : -1;
        }
        if (header == null) {
            return -1;
        }
        for (String alternative : name.split("\\|")) {
            String wanted = alternative.strip().toLowerCase(Locale.ROOT);
            for (int i = 0; i < header.size(); i++) {
                String field = header.get(i).strip().toLowerCase(Locale.ROOT);
                if (field.equals(wanted) || baseName(field).equals(wanted)) {
                    return i;
                }
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return isIndex() ? "#" + index : "'" + name + "'";
    }
}
