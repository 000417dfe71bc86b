package org.sdmstream.features.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.Session;

class ModelInputEncoderTest {

    @TempDir Path dir;

    private static Behavior b(String item, String cat) {
        return new Behavior(item, cat, null, "shop-" + cat, 0L);
    }

    private static FeatureVocabularies vocabularies() {
        List<Session> sessions =
                List.of(
                        new Session(
                                "u1",
                                "u1@0",
                                0,
                                1,
                                List.of(b("a", "x"), b("b", "x"), b("a", "y")),
                                List.of()),
                        new Session(
                                "u2", "u2@0", 0, 1, List.of(b("c", "y")), List.of(b("a", "x"))));
        Map<String, Map<String, String>> profiles =
                Map.of("u1", Map.of("gender", "f", "age", "20-29"));
        return FeatureVocabularies.build(sessions, u -> profiles.getOrDefault(u, Map.of()), 1);
    }

    @Test
    void vocabularyReservesPaddingAndUnknownAndOrdersByFrequency() {
        Vocabulary items = vocabularies().items();
        assertThat(items.indexOf("a")).isEqualTo(2); // most frequent first
        assertThat(items.indexOf("b")).isEqualTo(3);
        assertThat(items.indexOf("c")).isEqualTo(4);
        assertThat(items.indexOf("zzz")).isEqualTo(Vocabulary.UNKNOWN);
        assertThat(items.indexOf(null)).isEqualTo(Vocabulary.UNKNOWN);
        assertThat(items.size()).isEqualTo(5);
        assertThat(items.valueAt(3)).isEqualTo("b");
        assertThat(items.valueAt(0)).isNull();
    }

    @Test
    void minCountDropsRareItems() {
        Vocabulary v = Vocabulary.builder("t").add("a").add("a").add("b").build(2);
        assertThat(v.values()).containsExactly("a");
        assertThat(v.indexOf("b")).isEqualTo(Vocabulary.UNKNOWN);
    }

    @Test
    void vocabulariesSurviveSaveAndLoad() {
        FeatureVocabularies v = vocabularies();
        v.save(dir.resolve("vocab"));
        FeatureVocabularies back = FeatureVocabularies.load(dir.resolve("vocab"));
        assertThat(back.items().values()).isEqualTo(v.items().values());
        assertThat(back.shops().values()).isEqualTo(v.shops().values());
        assertThat(back.users().values()).isEqualTo(v.users().values());
        assertThat(back.profileValues().values()).isEqualTo(v.profileValues().values());
        assertThat(back.profileAttributes()).containsExactly("age", "gender");
    }

    @Test
    void loadRefusesAFileWithoutHeader() throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.writeString(f, "a\nb\n");
        assertThatThrownBy(() -> Vocabulary.load(f)).hasMessageContaining("not a vocabulary file");
    }

    @Test
    void valuesWithLineBreaksAreRefused() {
        assertThatThrownBy(() -> Vocabulary.builder("items").add("a\nb"))
                .hasMessageContaining("line breaks");
    }

    @Test
    void encodesPaddedBatchWithLengthsUsersAndProfiles() {
        FeatureVocabularies v = vocabularies();
        ModelInputEncoder enc = new ModelInputEncoder(v, 4, 3);
        ModelInput known =
                new ModelInput(
                        "u1",
                        "s",
                        List.of(b("a", "x"), b("b", "x")),
                        List.of(b("c", "y")),
                        Map.of("gender", "f", "age", "30-39"),
                        0L);
        ModelInput stranger =
                new ModelInput("nobody", "s", List.of(b("new", null)), List.of(), Map.of(), 0L);
        EncodedBatch batch = enc.encode(List.of(known, stranger));

        assertThat(batch.batchSize()).isEqualTo(2);
        assertThat(batch.sessionItem()).containsExactly(2, 3, 0, 0, /* stranger */ 1, 0, 0, 0);
        assertThat(batch.sessionCategory()).containsExactly(2, 2, 0, 0, 1, 0, 0, 0);
        assertThat(batch.sessionBrand())
                .containsExactly(1, 1, 0, 0, 1, 0, 0, 0); // brands absent -> unknown
        assertThat(batch.sessionLength()).containsExactly(2, 1);
        assertThat(batch.historyItem()).containsExactly(4, 0, 0, 0, 0, 0);
        assertThat(batch.historyLength()).containsExactly(1, 0);
        assertThat(batch.user()).containsExactly(v.users().indexOf("u1"), Vocabulary.UNKNOWN);
        // slots in attribute order (age, gender): unseen age value -> unknown; stranger has no
        // profile -> padding
        assertThat(batch.profile())
                .containsExactly(Vocabulary.UNKNOWN, v.profileValues().indexOf("gender=f"), 0, 0);
        assertThat(batch.sessionMask()).containsExactly(1, 1, 0, 0, 1, 0, 0, 0);
        assertThat(batch.historyMask()).containsExactly(1, 0, 0, 0, 0, 0);
    }

    @Test
    void longSequencesKeepTheMostRecentClicksAndLabelsFollow() {
        FeatureVocabularies v = vocabularies();
        ModelInputEncoder enc = new ModelInputEncoder(v, 2, 1);
        ModelInput in =
                new ModelInput(
                        "u1",
                        "s",
                        List.of(b("a", "x"), b("b", "x"), b("c", "y")),
                        List.of(b("a", "x"), b("b", "x")),
                        Map.of(),
                        0L);
        EncodedBatch batch = enc.encode(List.of(in));
        assertThat(batch.sessionItem()).containsExactly(3, 4);
        assertThat(batch.historyItem()).containsExactly(3);
        int[] labels = enc.encodeLabels(List.of(in), List.of(Arrays.asList("b", "c", null)));
        assertThat(labels).containsExactly(4, 0);
    }

    @Test
    void emptySessionIsRefused() {
        ModelInputEncoder enc = new ModelInputEncoder(vocabularies(), 2, 1);
        ModelInput in = new ModelInput("u1", "s", new ArrayList<>(), List.of(), Map.of(), 0L);
        assertThatThrownBy(() -> enc.encode(List.of(in))).hasMessageContaining("empty session");
    }
}
