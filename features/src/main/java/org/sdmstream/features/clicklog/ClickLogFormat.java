package org.sdmstream.features.clicklog;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How to read clicks from a delimited text file: the separator, whether there is a header, which
 * columns hold the user, item and time (required) and the client session id, category, brand and
 * shop (optional), and how time is written. Columns are header names (matched before any RecBole
 * {@code :type} suffix) or 0-based indices; a file without a header needs indices. Optionally only
 * rows whose behaviour column holds one of some values are kept (Taobao's {@code pv}); the others
 * are counted as skipped, not bad. Immutable; start from a preset or {@link #builder()}.
 */
public final class ClickLogFormat {

    private final String name;
    private final String separator;
    private final boolean header;
    private final ColumnRef user;
    private final ColumnRef item;
    private final ColumnRef time;
    private final ColumnRef session;
    private final ColumnRef category;
    private final ColumnRef brand;
    private final ColumnRef shop;
    private final TimeFormat timeFormat;
    private final int columnCount;
    private final ColumnRef behavior;
    private final Set<String> keepBehaviors;

    private ClickLogFormat(Builder b) {
        this.name = b.name;
        this.separator = b.separator;
        this.header = b.header;
        this.user = Objects.requireNonNull(b.user, "user column");
        this.item = Objects.requireNonNull(b.item, "item column");
        this.time = Objects.requireNonNull(b.time, "time column");
        this.session = b.session;
        this.category = b.category;
        this.brand = b.brand;
        this.shop = b.shop;
        this.timeFormat = Objects.requireNonNull(b.timeFormat, "time format");
        this.columnCount = b.columnCount;
        this.behavior = b.behavior;
        this.keepBehaviors = b.keepBehaviors == null ? null : Set.copyOf(b.keepBehaviors);
        if (separator == null || separator.isEmpty()) {
            throw new IllegalArgumentException("separator must not be empty");
        }
        if (columnCount < 0) {
            throw new IllegalArgumentException(
                    "column count must be >= 0 (0 = from the header), got " + columnCount);
        }
        if ((behavior == null) != (keepBehaviors == null)) {
            throw new IllegalArgumentException(
                    "a behaviour filter needs both the behaviour column and the values to keep");
        }
    }

    /**
     * RecBole atomic {@code .inter} files such as {@code ml-100k.inter}: tab-separated, header,
     * epoch seconds.
     */
    public static ClickLogFormat movielens() {
        return builder()
                .name("movielens")
                .separator("\t")
                .header(true)
                .user(ColumnRef.named("user_id"))
                .item(ColumnRef.named("item_id"))
                .time(ColumnRef.named("timestamp"))
                .timeFormat(TimeFormat.EPOCH_SECONDS)
                .build();
    }

    /**
     * MovieLens 1M/10M {@code ratings.dat}: {@code UserID::MovieID::Rating::Timestamp}, no header,
     * epoch seconds.
     */
    public static ClickLogFormat movielensDat() {
        return builder()
                .name("movielens-dat")
                .separator("::")
                .header(false)
                .columnCount(4)
                .user(ColumnRef.at(0))
                .item(ColumnRef.at(1))
                .time(ColumnRef.at(3))
                .timeFormat(TimeFormat.EPOCH_SECONDS)
                .build();
    }

    /**
     * Taobao {@code UserBehavior.csv}: {@code user,item,category,behavior,timestamp}, no header,
     * epoch seconds. With {@code allBehaviors} false only {@code pv} (page view = click) rows are
     * kept and {@code buy}, {@code cart}, {@code fav} rows are counted as skipped; with true every
     * row is a click.
     */
    public static ClickLogFormat taobao(boolean allBehaviors) {
        Builder b =
                builder()
                        .name("taobao")
                        .separator(",")
                        .header(false)
                        .columnCount(5)
                        .user(ColumnRef.at(0))
                        .item(ColumnRef.at(1))
                        .category(ColumnRef.at(2))
                        .time(ColumnRef.at(4))
                        .timeFormat(TimeFormat.EPOCH_SECONDS);
        if (!allBehaviors) {
            b.keepOnly(ColumnRef.at(3), Set.of("pv"));
        }
        return b.build();
    }

    /**
     * A custom format; user, item and time columns must be set. Defaults: tab, header, epoch
     * seconds.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this format's settings, to override some of them (e.g. a preset with
     * another separator).
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.separator = separator;
        b.header = header;
        b.user = user;
        b.item = item;
        b.time = time;
        b.session = session;
        b.category = category;
        b.brand = brand;
        b.shop = shop;
        b.timeFormat = timeFormat;
        b.columnCount = columnCount;
        b.behavior = behavior;
        b.keepBehaviors = keepBehaviors;
        return b;
    }

    public String name() {
        return name;
    }

    public String separator() {
        return separator;
    }

    public boolean header() {
        return header;
    }

    public ColumnRef user() {
        return user;
    }

    public ColumnRef item() {
        return item;
    }

    public ColumnRef time() {
        return time;
    }

    /** The client session id column, or null. */
    public ColumnRef session() {
        return session;
    }

    /** The category column, or null. */
    public ColumnRef category() {
        return category;
    }

    /** The brand column, or null. */
    public ColumnRef brand() {
        return brand;
    }

    /** The shop column, or null. */
    public ColumnRef shop() {
        return shop;
    }

    public TimeFormat timeFormat() {
        return timeFormat;
    }

    /**
     * Columns every row must have; 0 means as many as the header, or unchecked without a header.
     */
    public int columnCount() {
        return columnCount;
    }

    /** The behaviour column the filter reads, or null when every row is a click. */
    public ColumnRef behavior() {
        return behavior;
    }

    /** The behaviour values kept, or null when every row is a click. */
    public Set<String> keepBehaviors() {
        return keepBehaviors;
    }

    @Override
    public String toString() {
        StringBuilder s =
                new StringBuilder(name)
                        .append("[sep=")
                        .append(printable(separator))
                        .append(header ? ", header" : ", no header")
                        .append(", user=")
                        .append(user)
                        .append(", item=")
                        .append(item)
                        .append(", time=")
                        .append(time)
                        .append(" (")
                        .append(timeFormat)
                        .append(')');
        appendOptional(s, "session", session);
        appendOptional(s, "category", category);
        appendOptional(s, "brand", brand);
        appendOptional(s, "shop", shop);
        if (behavior != null) {
            s.append(", keep ").append(behavior).append(" in ").append(keepBehaviors);
        }
        return s.append(']').toString();
    }

    private static void appendOptional(StringBuilder s, String role, ColumnRef column) {
        if (column != null) {
            s.append(", ").append(role).append('=').append(column);
        }
    }

    static String printable(String separator) {
        return separator.replace("\t", "\\t");
    }

    /**
     * Separator names accepted on the command line: {@code tab}, {@code comma}, {@code \t}, or the
     * literal text.
     */
    public static String parseSeparator(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "tab":
            case "\\t":
                return "\t";
            case "comma":
                return ",";
            case "semicolon":
                return ";";
            case "space":
                return " ";
            case "pipe":
                return "|";
            default:
                if (text.isEmpty()) {
                    throw new IllegalArgumentException("separator must not be empty");
                }
                return text;
        }
    }

    /** Builds a {@link ClickLogFormat}. */
    public static final class Builder {
        private String name = "custom";
        private String separator = "\t";
        private boolean header = true;
        private ColumnRef user;
        private ColumnRef item;
        private ColumnRef time;
        private ColumnRef session;
        private ColumnRef category;
        private ColumnRef brand;
        private ColumnRef shop;
        private TimeFormat timeFormat = TimeFormat.EPOCH_SECONDS;
        private int columnCount;
        private ColumnRef behavior;
        private Set<String> keepBehaviors;

        private Builder() {}

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        public Builder separator(String separator) {
            this.separator = separator;
            return this;
        }

        public Builder header(boolean header) {
            this.header = header;
            return this;
        }

        public Builder user(ColumnRef user) {
            this.user = user;
            return this;
        }

        public Builder item(ColumnRef item) {
            this.item = item;
            return this;
        }

        public Builder time(ColumnRef time) {
            this.time = time;
            return this;
        }

        public Builder session(ColumnRef session) {
            this.session = session;
            return this;
        }

        public Builder category(ColumnRef category) {
            this.category = category;
            return this;
        }

        public Builder brand(ColumnRef brand) {
            this.brand = brand;
            return this;
        }

        public Builder shop(ColumnRef shop) {
            this.shop = shop;
            return this;
        }

        public Builder timeFormat(TimeFormat timeFormat) {
            this.timeFormat = timeFormat;
            return this;
        }

        /** Columns every row must have (0: as many as the header, or unchecked without one). */
        public Builder columnCount(int columnCount) {
            this.columnCount = columnCount;
            return this;
        }

        /**
         * Keeps only rows whose {@code column} holds one of {@code values}; others count as
         * skipped.
         */
        public Builder keepOnly(ColumnRef column, Set<String> values) {
            this.behavior = column;
            this.keepBehaviors = values;
            return this;
        }

        /** Removes any behaviour filter: every row is a click. */
        public Builder keepAll() {
            this.behavior = null;
            this.keepBehaviors = null;
            return this;
        }

        public ClickLogFormat build() {
            return new ClickLogFormat(this);
        }
    }
}
