package org.sdmstream.features.encoding;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen mapping from a feature's string values to embedding rows: row 0 is padding, row 1 stands
 * for every unknown (unseen, too rare or absent) value, and known values follow from row 2 in
 * descending training frequency (ties in first-seen order), which is what a log-uniform negative
 * sampler assumes.
 *
 * <p>Saved as UTF-8 text: a header line {@code #sdm-vocabulary v1 <name>}, then one value per line
 * for rows 2, 3, ...; values may not contain line breaks.
 */
public final class Vocabulary {

    public static final int PADDING = 0;
    public static final int UNKNOWN = 1;

    /** Rows below this index are reserved (padding, unknown). */
    public static final int FIRST_VALUE = 2;

    private static final String HEADER = "#sdm-vocabulary v1 ";

    /** The most values an index holds: its int array has 4 entries per value (2 slots, each 2). */
    static final int MAX_VALUES = 1 << 28;

    private final String name;
    private final List<String> values;

    // The index: open addressing with linear probing, at most half full. A look-up reads the
    // slot's hash and row from one int array and touches the stored String only when the hashes
    // match; a HashMap<String, Integer> also reads a node and a boxed row per probe. JMH
    // (VocabularyBenchmark): 10 % less per look-up of a fresh String at 20,000 values, 32 % less
    // at a million; look-ups were 9 % of the scored job's chain thread after the scorer stopped
    // repeating them (docs/benchmarks.md, "Fewer look-ups and conversions, bursts by cost").

    /** The value in each slot, null where the slot is free. */
    private final String[] slotValues;

    /** Per slot: the value's spread hash at {@code 2 * slot}, its row at {@code 2 * slot + 1}. */
    private final int[] slotHashAndRow;

    private final int slotMask;

    private Vocabulary(String name, List<String> values) {
        this.name = name;
        this.values = List.copyOf(values);
        int slots = slotsFor(name, values.size());
        this.slotValues = new String[slots];
        this.slotHashAndRow = new int[2 * slots];
        this.slotMask = slots - 1;
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            int hash = spread(value.hashCode());
            int slot = hash & slotMask;
            while (slotValues[slot] != null) {
                if (slotHashAndRow[2 * slot] == hash && slotValues[slot].equals(value)) {
                    throw new IllegalArgumentException(
                            "vocabulary " + name + " lists '" + value + "' twice");
                }
                slot = (slot + 1) & slotMask;
            }
            slotValues[slot] = value;
            slotHashAndRow[2 * slot] = hash;
            slotHashAndRow[2 * slot + 1] = FIRST_VALUE + i;
        }
    }

    /**
     * Free slots for {@code size} values: a power of two at least twice the size (probing always
     * ends at a free one).
     *
     * @throws IllegalArgumentException above {@link #MAX_VALUES}
     */
    static int slotsFor(String name, int size) {
        if (size > MAX_VALUES) {
            throw new IllegalArgumentException(
                    "vocabulary "
                            + name
                            + " has "
                            + size
                            + " values, more than the "
                            + MAX_VALUES
                            + " one index holds");
        }
        int slots = 2;
        while (slots < 2L * size) {
            slots <<= 1;
        }
        return slots;
    }

    /** Mixes the high bits of a hash code into the low ones the slot mask keeps. */
    private static int spread(int hashCode) {
        int h = hashCode * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** A vocabulary with exactly these values, in this row order (row 2 onwards). */
    public static Vocabulary of(String name, List<String> values) {
        values.forEach(v -> checkValue(name, v));
        return new Vocabulary(name, values);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Row of {@code value}; {@link #UNKNOWN} for null or values not in the vocabulary. */
    public int indexOf(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        int hash = spread(value.hashCode());
        for (int slot = hash & slotMask; ; slot = (slot + 1) & slotMask) {
            String held = slotValues[slot];
            if (held == null) {
                return UNKNOWN;
            }
            if (slotHashAndRow[2 * slot] == hash && held.equals(value)) {
                return slotHashAndRow[2 * slot + 1];
            }
        }
    }

    public boolean contains(String value) {
        return indexOf(value) != UNKNOWN;
    }

    /** The value of a row (null for padding and unknown). */
    public String valueAt(int row) {
        if (row < 0 || row >= size()) {
            throw new IndexOutOfBoundsException(
                    "row " + row + " outside vocabulary " + name + " of size " + size());
        }
        return row < FIRST_VALUE ? null : values.get(row - FIRST_VALUE);
    }

    /** Number of embedding rows, reserved rows included. */
    public int size() {
        return FIRST_VALUE + values.size();
    }

    /** Known values in row order (row {@code i + 2} holds {@code values().get(i)}). */
    public List<String> values() {
        return values;
    }

    public String name() {
        return name;
    }

    public void save(Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER + name);
            w.newLine();
            for (String v : values) {
                w.write(v);
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write vocabulary " + name + " to " + file, e);
        }
    }

    public static Vocabulary load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vocabulary file " + file, e);
        }
        if (lines.isEmpty() || !lines.get(0).startsWith(HEADER)) {
            throw new IllegalArgumentException(
                    file
                            + " is not a vocabulary file: first line must start with '"
                            + HEADER.trim()
                            + "'");
        }
        String name = lines.get(0).substring(HEADER.length()).trim();
        return new Vocabulary(name, lines.subList(1, lines.size()));
    }

    private static void checkValue(String name, String value) {
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(
                    "vocabulary "
                            + name
                            + " cannot hold value '"
                            + value
                            + "': values must be non-null and free of line breaks");
        }
    }

    @Override
    public String toString() {
        return "Vocabulary[" + name + ", " + values.size() + " values]";
    }

    /** Counts values, then freezes the frequent ones into a {@link Vocabulary}. */
    public static final class Builder {
        private final String name;
        private final Map<String, long[]> counts = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** Counts one occurrence; null (an absent feature) is ignored. */
        public Builder add(String value) {
            if (value != null) {
                checkValue(name, value);
                counts.computeIfAbsent(value, v -> new long[1])[0]++;
            }
            return this;
        }

        /** Values seen at least {@code minCount} times, most frequent first. */
        public Vocabulary build(int minCount) {
            List<Map.Entry<String, long[]>> entries = new ArrayList<>(counts.entrySet());
            // Stable sort keeps first-seen order among equal counts: the result is deterministic.
            entries.sort(
                    Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0])
                            .reversed());
            List<String> kept = new ArrayList<>();
            for (Map.Entry<String, long[]> e : entries) {
                if (e.getValue()[0] >= minCount) {
                    kept.add(e.getKey());
                }
            }
            return new Vocabulary(name, Collections.unmodifiableList(kept));
        }
    }
}
