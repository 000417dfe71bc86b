package org.sdmstream.features.clicklog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SideFilesTest {

    @TempDir Path dir;

    @Test
    void recBoleItemsMapFirstGenreToCategoryAndReleaseYearToBrand() throws IOException {
        Path file = dir.resolve("ml.item");
        Files.writeString(
                file,
                "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
                        + "1\tToy Story\t1995\tAnimation Children's Comedy\n"
                        + "2\tUnknown\t\t\n"
                        + "1\tToy Story again\t1995\tComedy\n"
                        + "\tNo id\t1990\tDrama\n");
        ItemCatalog catalog = ItemCatalog.read(file, ItemFileFormat.recBole());
        assertThat(catalog.items())
                .containsOnly(
                        Map.entry("1", new ItemFeatures("Animation", "1995", null)),
                        Map.entry("2", new ItemFeatures(null, null, null)));
        assertThat(catalog.report().badRows()).isEqualTo(2);
        assertThat(catalog.report().firstBadRows())
                .extracting(BadRow::lineNumber, BadRow::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(4L, "item 1 already listed at line 2"),
                        org.assertj.core.groups.Tuple.tuple(5L, "empty item id"));
    }

    @Test
    void ml1mStyleGenreColumnIsFoundToo() throws IOException {
        Path file = dir.resolve("ml-1m.item");
        Files.writeString(
                file,
                "item_id:token\tmovie_title:token_seq\trelease_year:token\tgenre:token_seq\n"
                        + "1\tToy Story\t1995\tAnimation Children's Comedy\n");
        assertThat(ItemCatalog.read(file, ItemFileFormat.recBole()).get("1"))
                .isEqualTo(new ItemFeatures("Animation", "1995", null));
    }

    @Test
    void genericItemFilesUseWhateverFeatureColumnsTheyHave() throws IOException {
        Path file = dir.resolve("items.csv");
        Files.writeString(file, "item_id,shop_id,price,category\nA,s1,9.99,c1\n");
        assertThat(ItemCatalog.read(file, ItemFileFormat.generic(",")).get("A"))
                .isEqualTo(new ItemFeatures("c1", null, "s1"));
    }

    @Test
    void recBoleUsersBecomeProfilesWithAgeDecadesAndNoZipCode() throws IOException {
        Path file = dir.resolve("ml.user");
        Files.writeString(
                file,
                "user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token\n"
                        + "1\t24\tM\ttechnician\t85711\n"
                        + "2\t7\tF\t\t94043\n"
                        + "3\t53\tF\tother\n");
        UserProfiles users = UserProfiles.read(file, UserFileFormat.recBole());
        assertThat(users.get("1"))
                .isEqualTo(Map.of("age", "20-29", "gender", "M", "occupation", "technician"));
        assertThat(users.get("2")).isEqualTo(Map.of("age", "0-9", "gender", "F"));
        assertThat(users.get("3")).isNull();
        assertThat(users.report().firstBadRows())
                .singleElement()
                .satisfies(b -> assertThat(b.lineNumber()).isEqualTo(4L));
    }

    @Test
    void ageBuckets() {
        assertThat(UserFileFormat.ageBucket("0")).isEqualTo("0-9");
        assertThat(UserFileFormat.ageBucket("19")).isEqualTo("10-19");
        assertThat(UserFileFormat.ageBucket("20")).isEqualTo("20-29");
        assertThat(UserFileFormat.ageBucket("73.0")).isEqualTo("70-79");
        assertThat(UserFileFormat.ageBucket("unknown")).isEqualTo("unknown");
    }
}
