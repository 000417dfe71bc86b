package org.sdmstream.features.clicklog;

import java.util.Objects;
import java.util.Set;

/**
 * How to read a user-profile file: a delimited file with a header and one row per user. Every
 * column but the user id and the dropped ones becomes a profile entry keyed by its header name
 * (lower case, before any RecBole {@code :type} suffix); the age column is bucketed into decades
 * ({@code 24} becomes {@code 20-29}) so the model sees a handful of values, not 60.
 *
 * @param separator the field separator
 * @param user the user id column
 * @param dropColumns header names (lower case, without type suffix) not to keep
 * @param ageColumn the header name of the age column to bucket, or null
 */
public record UserFileFormat(
        String separator, ColumnRef user, Set<String> dropColumns, String ageColumn) {

    public UserFileFormat {
        Objects.requireNonNull(user, "user column");
        dropColumns = Set.copyOf(dropColumns);
        if (separator == null || separator.isEmpty()) {
            throw new IllegalArgumentException("separator must not be empty");
        }
    }

    /**
     * RecBole {@code .user} files such as {@code ml-100k.user} ({@code user_id age gender
     * occupation zip_code}): profile {@code age} (decade bucket), {@code gender}, {@code
     * occupation}; the zip code is dropped.
     */
    public static UserFileFormat recBole() {
        return new UserFileFormat("\t", ColumnRef.named("user_id"), Set.of("zip_code"), "age");
    }

    /**
     * Any delimited file with a header whose user id column is {@code user_id} (or {@code user},
     * {@code id}).
     */
    public static UserFileFormat generic(String separator) {
        return new UserFileFormat(separator, ColumnRef.named("user_id|user|id"), Set.of(), "age");
    }

    /**
     * {@code 24} becomes {@code 20-29}, {@code 7} becomes {@code 0-9}; anything not a non-negative
     * number is kept as is.
     */
    public static String ageBucket(String age) {
        try {
            int years = (int) Math.floor(Double.parseDouble(age));
            if (years < 0) {
                return age;
            }
            int decade = years / 10 * 10;
            return decade + "-" + (decade + 9);
        } catch (NumberFormatException e) {
            return age;
        }
    }
}
