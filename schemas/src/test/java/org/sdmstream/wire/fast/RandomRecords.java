package org.sdmstream.wire.fast;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;

/**
 * Seeded random records that reach every corner of the encodings: nulls, empties, non-ASCII,
 * extremes. With {@code loneSurrogates}, strings may hold unpaired UTF-16 surrogates, which UTF-8
 * cannot carry (both Avro and the fast writer encode them as '?'), so such records do not decode
 * back equal.
 */
final class RandomRecords {

    private static final String[] WELL_FORMED = {
        "",
        "i12345",
        "u@1700000000000.2",
        "café",
        "Ærøskøbing",
        "naïve ünïcödé",
        "北京市朝阳区",
        "東京",
        "😀",
        "a😀b",
        "👩‍👩‍👧",
        "\uDBFF\uDFFF",
        "\u0080",
        "\u07FF",
        "\u0800",
        "\uFFFF",
        "\u0000",
        "tab\tnew\nline",
        "Ω≈ç√∫"
    };
    private static final String[] WITH_LONE_SURROGATES = {
        "\uD800", "x\uDC00y", "\uD83D", "ok\uD83D", "\uDC00\uD800"
    };
    private static final long[] LONGS = {
        0,
        1,
        -1,
        63,
        64,
        -64,
        -65,
        Integer.MAX_VALUE,
        Integer.MIN_VALUE,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        1_700_000_000_123L,
        -62_135_596_800_000L
    };
    private static final int[] INTS = {
        0, 1, -1, 63, 64, -64, -65, 8191, 8192, Integer.MAX_VALUE, Integer.MIN_VALUE
    };
    private static final float[] FLOATS = {
        0f,
        -0f,
        Float.NaN,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE,
        -Float.MIN_VALUE,
        Float.MAX_VALUE,
        Float.MIN_NORMAL,
        1f,
        -1f,
        Float.intBitsToFloat(0x7FC12345),
        Float.intBitsToFloat(0xFF800001)
    };

    private final SplittableRandom random;
    private final boolean loneSurrogates;
    private final String[] samples;

    RandomRecords(long seed, boolean loneSurrogates) {
        this.random = new SplittableRandom(seed);
        this.loneSurrogates = loneSurrogates;
        this.samples = loneSurrogates ? concat(WELL_FORMED, WITH_LONE_SURROGATES) : WELL_FORMED;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    SessionFeatures sessionFeatures() {
        return SessionFeatures.newBuilder()
                .setUserId(string())
                .setSessionId(string())
                .setPosition(anInt())
                .setSessionClicks(behaviors())
                .setHistory(behaviors())
                .setProfile(profile())
                .setEventTime(instant())
                .setEmissionTime(instant())
                .build();
    }

    UserInterestVector userInterestVector() {
        int n = length();
        List<Float> vector = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            vector.add(aFloat());
        }
        return UserInterestVector.newBuilder()
                .setUserId(string())
                .setVector(vector)
                .setModelVersion(string())
                .setSessionId(string())
                .setSessionLength(anInt())
                .setLongTermLength(anInt())
                .setEventTime(instant())
                .setEmissionTime(instant())
                .build();
    }

    ClickEvent clickEvent() {
        return ClickEvent.newBuilder()
                .setUserId(string())
                .setItemId(string())
                .setCategoryId(nullableString())
                .setBrandId(nullableString())
                .setShopId(nullableString())
                .setSessionId(nullableString())
                .setEventTime(instant())
                .setProfile(random.nextInt(4) == 0 ? null : profile())
                .setClientEventId(nullableString())
                .build();
    }

    private List<BehaviorRecord> behaviors() {
        int n = length();
        List<BehaviorRecord> behaviors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            behaviors.add(
                    new BehaviorRecord(
                            string(),
                            nullableString(),
                            nullableString(),
                            nullableString(),
                            instant()));
        }
        return behaviors;
    }

    /**
     * Empty, one, the job's usual 20-70, or long enough for multi-byte counts and several buffer
     * growths.
     */
    private int length() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2, 3 -> 20 + random.nextInt(51);
            case 4 -> random.nextInt(200);
            default -> 300 + random.nextInt(700);
        };
    }

    private Map<String, String> profile() {
        int n = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(8);
        Map<String, String> map = random.nextBoolean() ? new HashMap<>() : new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(string() + i, string()); // suffix keeps keys distinct
        }
        return map;
    }

    private String nullableString() {
        return random.nextInt(3) == 0 ? null : string();
    }

    private String string() {
        return switch (random.nextInt(5)) {
            case 0 -> samples[random.nextInt(samples.length)];
            case 1 -> "i" + random.nextInt(100_000);
            case 2 -> randomChars(random.nextInt(12), 0x80);
            case 3 -> randomChars(random.nextInt(40), 0x10000);
            default -> randomMix(random.nextInt(400));
        };
    }

    /**
     * Any UTF-16 units below {@code bound}; surrogates only with {@code loneSurrogates} (then
     * mostly unpaired).
     */
    private String randomChars(int n, int bound) {
        StringBuilder s = new StringBuilder(n);
        while (s.length() < n) {
            char c = (char) random.nextInt(bound);
            if (loneSurrogates || !Character.isSurrogate(c)) {
                s.append(c);
            }
        }
        return s.toString();
    }

    /**
     * Mostly ASCII with samples spliced in, so a non-ASCII character can come after a long ASCII
     * run.
     */
    private String randomMix(int n) {
        StringBuilder s = new StringBuilder(n);
        while (s.length() < n) {
            s.append(
                    random.nextInt(8) == 0
                            ? samples[random.nextInt(samples.length)]
                            : (char) (0x20 + random.nextInt(0x5F)));
        }
        return s.toString();
    }

    private int anInt() {
        return random.nextBoolean() ? INTS[random.nextInt(INTS.length)] : random.nextInt();
    }

    private Instant instant() {
        return Instant.ofEpochMilli(
                random.nextBoolean() ? LONGS[random.nextInt(LONGS.length)] : random.nextLong());
    }

    private float aFloat() {
        return switch (random.nextInt(3)) {
            case 0 -> FLOATS[random.nextInt(FLOATS.length)];
            case 1 -> Float.intBitsToFloat(random.nextInt()); // any bits, NaN payloads included
            default -> (float) random.nextGaussian();
        };
    }
}
