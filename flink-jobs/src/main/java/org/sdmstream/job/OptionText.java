package org.sdmstream.job;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;

/**
 * The text form of option values, as properties files and {@code key=value} arguments write them:
 * parses a value into its option's type (the type of its default) and formats one back ("10 min",
 * "7 d", "auto").
 */
final class OptionText {

    private OptionText() {}

    /**
     * The value of {@code text} for {@code option}; a bad value names the key and what it expected.
     */
    static Object parse(ConfigOption<?> option, String text) {
        Object type = option.defaultValue();
        String s = text.trim();
        if (type instanceof Duration) {
            try {
                return TimeUtils.parseDuration(s);
            } catch (IllegalArgumentException e) {
                throw invalid(
                        option, text, "expected a duration such as '10 min', '30 s' or '7 d'");
            }
        }
        if (type instanceof Integer) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw invalid(option, text, "expected an integer");
            }
        }
        if (type instanceof Boolean) {
            if (!s.equals("true") && !s.equals("false")) {
                throw invalid(option, text, "expected true or false");
            }
            return Boolean.parseBoolean(s);
        }
        if (type instanceof Enum<?> e) {
            List<?> constants = Arrays.asList(e.getDeclaringClass().getEnumConstants());
            return constants.stream()
                    .filter(c -> c.toString().equals(s))
                    .findFirst()
                    .orElseThrow(
                            () -> invalid(option, text, "expected " + alternatives(constants)));
        }
        return s;
    }

    /**
     * The text form of a value: durations in their highest exact unit ("10 min"), the rest as
     * written.
     */
    static String format(Object value) {
        return value instanceof Duration d
                ? TimeUtils.formatWithHighestUnit(d)
                : String.valueOf(value);
    }

    static IllegalArgumentException invalid(ConfigOption<?> option, String text, String why) {
        return new IllegalArgumentException(
                "invalid value '" + text + "' for " + option.key() + ": " + why);
    }

    /** "a or b", "a, b or c". */
    private static String alternatives(List<?> values) {
        List<String> names = values.stream().map(Object::toString).toList();
        return names.size() == 1
                ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1))
                        + " or "
                        + names.get(names.size() - 1);
    }
}
