package org.sdmstream.features.clicklog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Objects;

/**
 * How a click log writes event time, turned into epoch milliseconds (UTC): {@code epoch_s}
 * (seconds, decimals allowed, as RecBole's {@code timestamp:float}), {@code epoch_ms}, {@code iso}
 * (ISO-8601 date-time, UTC unless it carries an offset), or any {@link DateTimeFormatter} pattern
 * read as UTC (a date-only pattern means midnight).
 */
public final class TimeFormat {

    public static final TimeFormat EPOCH_SECONDS = new TimeFormat("epoch_s", null, 1000);
    public static final TimeFormat EPOCH_MILLIS = new TimeFormat("epoch_ms", null, 1);
    public static final TimeFormat ISO =
            new TimeFormat("iso", DateTimeFormatter.ISO_DATE_TIME.withZone(ZoneOffset.UTC), 0);

    private final String spec;
    private final DateTimeFormatter formatter;

    /** Milliseconds per unit for epoch formats; 0 for formatter-based ones. */
    private final long millisPerUnit;

    private TimeFormat(String spec, DateTimeFormatter formatter, long millisPerUnit) {
        this.spec = spec;
        this.formatter = formatter;
        this.millisPerUnit = millisPerUnit;
    }

    /**
     * {@code epoch_s}, {@code epoch_ms}, {@code iso}, or a java.time pattern such as {@code
     * yyyy-MM-dd HH:mm:ss}.
     */
    public static TimeFormat parse(String spec) {
        Objects.requireNonNull(spec, "time format");
        switch (spec.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "epoch_s":
            case "epoch_seconds":
            case "s":
                return EPOCH_SECONDS;
            case "epoch_ms":
            case "epoch_millis":
            case "ms":
                return EPOCH_MILLIS;
            case "iso":
                return ISO;
            default:
                try {
                    return new TimeFormat(
                            spec, DateTimeFormatter.ofPattern(spec).withZone(ZoneOffset.UTC), 0);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "time format '"
                                    + spec
                                    + "' is neither epoch_s, epoch_ms, iso nor a valid java.time pattern: "
                                    + e.getMessage(),
                            e);
                }
        }
    }

    /**
     * Epoch milliseconds of {@code text}.
     *
     * @throws IllegalArgumentException with a short reason when the text does not parse
     */
    public long toEpochMillis(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty time");
        }
        if (millisPerUnit > 0) {
            return parseEpoch(t);
        }
        try {
            TemporalAccessor parsed = formatter.parse(t);
            if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
                return parsed.getLong(ChronoField.INSTANT_SECONDS) * 1000
                        + parsed.get(ChronoField.MILLI_OF_SECOND);
            }
            if (parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
                return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            return LocalDate.from(parsed).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("time '" + t + "' does not match " + spec);
        }
    }

    private long parseEpoch(String t) {
        if (isPlainInteger(t)) {
            try {
                return Math.multiplyExact(Long.parseLong(t), millisPerUnit);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("time '" + t + "' is out of range");
            }
        }
        try {
            // Decimal or exponent forms (RecBole writes timestamps as floats); round to the
            // millisecond.
            return new BigDecimal(t)
                    .multiply(BigDecimal.valueOf(millisPerUnit))
                    .setScale(0, RoundingMode.HALF_UP)
                    .longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("time '" + t + "' is not a number (" + spec + ")");
        }
    }

    private static boolean isPlainInteger(String t) {
        int start = t.charAt(0) == '-' ? 1 : 0;
        if (start == t.length() || t.length() - start > 18) {
            return false;
        }
        for (int i = start; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return spec;
    }
}
