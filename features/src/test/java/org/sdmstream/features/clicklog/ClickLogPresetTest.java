package org.sdmstream.features.clicklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClickLogPresetTest {

    @TempDir Path dir;

    @Test
    void findsRecBoleFilesNamedAfterTheDirectory() throws IOException {
        Path ds = Files.createDirectory(dir.resolve("ml-tiny"));
        Files.writeString(
                ds.resolve("ml-tiny.inter"),
                "user_id:token\titem_id:token\ttimestamp:float\n1\t1\t5\n");
        Files.writeString(
                ds.resolve("ml-tiny.item"),
                "item_id:token\trelease_year:token\tclass:token_seq\n1\t1995\tDrama\n");
        Files.writeString(ds.resolve("ml-tiny.user"), "user_id:token\tage:token\n1\t31\n");
        Files.writeString(ds.resolve("other.inter"), "ignored");

        ClickLogSource source = ClickLogSource.dataset(ds, ClickLogPreset.byName("movielens"));
        assertThat(source.log()).isEqualTo(ds.resolve("ml-tiny.inter"));
        assertThat(source.items()).isEqualTo(ds.resolve("ml-tiny.item"));
        assertThat(source.users()).isEqualTo(ds.resolve("ml-tiny.user"));

        ClickLog log = source.read().requireBadRowsAtMost(0);
        assertThat(log.clicks())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.behavior().categoryId()).isEqualTo("Drama");
                            assertThat(c.behavior().brandId()).isEqualTo("1995");
                            assertThat(c.profile()).containsEntry("age", "30-39");
                        });
    }

    @Test
    void takesTheOnlyInterFileAndWorksWithoutSideFiles() throws IOException {
        Files.writeString(
                dir.resolve("data.inter"),
                "user_id:token\titem_id:token\ttimestamp:float\n1\t1\t5\n");
        ClickLogSource source = ClickLogPreset.MOVIELENS.locate(dir);
        assertThat(source.items()).isNull();
        assertThat(source.users()).isNull();
        assertThat(source.read().clicks()).hasSize(1);
    }

    @Test
    void ambiguousOrMissingLogsAreClearErrors() throws IOException {
        assertThatThrownBy(() -> ClickLogPreset.MOVIELENS.locate(dir.resolve("absent")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("does not exist");
        Files.writeString(dir.resolve("a.inter"), "");
        Files.writeString(dir.resolve("b.inter"), "");
        assertThatThrownBy(() -> ClickLogPreset.MOVIELENS.locate(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("[a.inter, b.inter]");
        assertThatThrownBy(() -> ClickLogPreset.TAOBAO.locate(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("UserBehavior.csv");
    }

    @Test
    void datAndTaobaoDirectories() throws IOException {
        Files.writeString(dir.resolve("ratings.dat"), "1::2::5::100\n");
        Files.writeString(dir.resolve("UserBehavior.csv"), "1,2,3,pv,100\n");
        assertThat(ClickLogPreset.MOVIELENS_DAT.locate(dir).read().clicks()).hasSize(1);
        assertThat(ClickLogPreset.TAOBAO.locate(dir).read().clicks()).hasSize(1);
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        assertThatThrownBy(() -> ClickLogPreset.byName("netflix"))
                .hasMessage("unknown preset 'netflix'; known: movielens, movielens-dat, taobao");
        assertThat(ClickLogPreset.byName("MOVIELENS_DAT")).isEqualTo(ClickLogPreset.MOVIELENS_DAT);
    }

    @Test
    void columnRefsParseIndicesAndNames() {
        assertThat(ColumnRef.parse("3")).isEqualTo(ColumnRef.at(3));
        assertThat(ColumnRef.parse("user_id")).isEqualTo(ColumnRef.named("user_id"));
        assertThat(
                        ColumnRef.named("class|genre")
                                .resolve(java.util.List.of("id", "GENRE:token_seq")))
                .isEqualTo(1);
    }
}
