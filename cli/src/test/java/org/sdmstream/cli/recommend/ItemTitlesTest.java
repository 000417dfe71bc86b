package org.sdmstream.cli.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemTitlesTest {

    @Test
    void readsMovieLensTitlesFromTheRecBoleItemFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ml-100k.item");
        Files.writeString(
                file,
                "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
                        + "1\tToy Story\t1995\tAnimation Children's Comedy\n2\tGoldenEye\t1995\tAction\n");
        ItemTitles titles = ItemTitles.read(file);
        assertThat(titles.label("1")).isEqualTo("Toy Story (1)");
        assertThat(titles.of("2")).isEqualTo("GoldenEye");
        assertThat(titles.label("99")).isEqualTo("99");
    }

    @Test
    void aFileWithoutANameColumnGivesIds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("items.csv");
        Files.writeString(file, "item_id,category\n1,c1\n");
        assertThat(ItemTitles.read(file).label("1")).isEqualTo("1");
    }
}
