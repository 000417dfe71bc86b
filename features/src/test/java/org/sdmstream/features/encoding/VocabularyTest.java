package org.sdmstream.features.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VocabularyTest {

    /** Random ids, including colliding hash codes ("Aa"/"BB"), empty and non-ASCII strings. */
    static List<String> values(Random r, int n) {
        Set<String> out =
                new LinkedHashSet<>(List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "", "ü", "商品"));
        while (out.size() < n) {
            out.add((r.nextBoolean() ? "i" : "cat-") + r.nextInt(n * 10));
        }
        return new ArrayList<>(out);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 9, 1000, 20_000})
    void everyValueFindsItsRowAndAnythingElseIsUnknown(int size) {
        Random r = new Random(size);
        List<String> values = size == 0 ? List.of() : values(r, Math.max(size, 8)).subList(0, size);
        Vocabulary v = Vocabulary.of("items", values);
        for (int i = 0; i < values.size(); i++) {
            // a fresh String, as from deserialised state: equal, not identical
            String probe = new String(values.get(i).toCharArray());
            assertThat(v.indexOf(probe)).isEqualTo(Vocabulary.FIRST_VALUE + i);
            assertThat(v.contains(probe)).isTrue();
            assertThat(v.valueAt(Vocabulary.FIRST_VALUE + i)).isEqualTo(values.get(i));
        }
        for (int i = 0; i < 1000; i++) {
            String absent = "absent-" + r.nextInt();
            assertThat(v.indexOf(absent)).isEqualTo(Vocabulary.UNKNOWN);
            assertThat(v.contains(absent)).isFalse();
        }
        assertThat(v.indexOf(null)).isEqualTo(Vocabulary.UNKNOWN);
        assertThat(v.contains(null)).isFalse();
    }

    @Test
    void anIndexHasTwiceTheSlotsOfItsValuesAndRefusesMoreThanItsIntArrayHolds() {
        assertThat(Vocabulary.slotsFor("items", 0)).isEqualTo(2);
        assertThat(Vocabulary.slotsFor("items", 1)).isEqualTo(2);
        assertThat(Vocabulary.slotsFor("items", 20_000)).isEqualTo(65_536);
        assertThat(Vocabulary.slotsFor("items", Vocabulary.MAX_VALUES)).isEqualTo(1 << 29);
        assertThatThrownBy(() -> Vocabulary.slotsFor("items", Vocabulary.MAX_VALUES + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabulary items has 268435457 values");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Aa", "x"})
    void aValueListedTwiceIsRefused(String twice) {
        assertThatThrownBy(() -> Vocabulary.of("items", List.of("BB", twice, "y", twice)))
                .hasMessageContaining("lists '" + twice + "' twice");
    }
}
