package org.sdmstream.features.clicklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;

class ClickLogReaderTest {

    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void readsRecBoleHeaderByNameBeforeTheTypeSuffix() throws IOException {
        Path log =
                write(
                        "x.inter",
                        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                                + "196\t242\t3\t881250949\n"
                                + "186\t302\t3\t891717742.0\n");
        ClickLog read = new ClickLogReader(ClickLogFormat.movielens()).readAll(log);

        assertThat(read.clicks())
                .containsExactly(
                        new Click("196", null, Behavior.ofItem("242", 881250949000L)),
                        new Click("186", null, Behavior.ofItem("302", 891717742000L)));
        assertThat(read.report().records()).isEqualTo(2);
        assertThat(read.report().lines()).isEqualTo(3);
        assertThat(read.badRows()).isZero();
    }

    @Test
    void readsOptionalColumnsAndTreatsEmptyValuesAsMissing() throws IOException {
        Path log =
                write(
                        "c.csv",
                        "ts,uid,iid,sid,cat,brand,shop\n"
                                + "2024-03-01 10:00:00,u1,i1,s1,c1,b1,h1\n"
                                + "2024-03-01 10:05:30,u1,i2,,,,\n");
        ClickLogFormat format =
                ClickLogFormat.builder()
                        .separator(",")
                        .user(ColumnRef.named("uid"))
                        .item(ColumnRef.named("IID"))
                        .time(ColumnRef.named("ts"))
                        .session(ColumnRef.named("sid"))
                        .category(ColumnRef.named("cat"))
                        .brand(ColumnRef.named("brand"))
                        .shop(ColumnRef.named("shop"))
                        .timeFormat(TimeFormat.parse("yyyy-MM-dd HH:mm:ss"))
                        .build();

        ClickLog read = new ClickLogReader(format).readAll(log);

        long t0 = 1709287200000L; // 2024-03-01T10:00:00Z
        assertThat(read.clicks())
                .containsExactly(
                        new Click("u1", "s1", new Behavior("i1", "c1", "b1", "h1", t0)),
                        new Click("u1", null, new Behavior("i2", null, null, null, t0 + 330_000)));
    }

    @Test
    void readsDatFilesWithAMultiCharacterSeparatorAndNoHeader() throws IOException {
        Path log = write("ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n");
        ClickLog read = new ClickLogReader(ClickLogFormat.movielensDat()).readAll(log);
        assertThat(read.clicks())
                .extracting(Click::userId, c -> c.behavior().itemId(), Click::eventTime)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("1", "1193", 978300760000L),
                        org.assertj.core.groups.Tuple.tuple("1", "661", 978302109000L));
    }

    @Test
    void reportsEveryKindOfBadRowWithItsLineNumberAndKeepsTheGoodOnes() throws IOException {
        Path log =
                write(
                        "bad.inter",
                        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                                + "1\t10\t3\t100\n" // line 2: good
                                + "2\t11\t3\n" // line 3: too few columns
                                + "\t12\t3\t100\n" // line 4: empty user
                                + "3\t \t3\t100\n" // line 5: empty item
                                + "4\t13\t3\tyesterday\n" // line 6: bad time
                                + "\n" // line 7: blank, ignored
                                + "5\t14\t3\t200\t9\n" // line 8: too many columns
                                + "6\t15\t3\t300\n"); // line 9: good
        ClickLog read = new ClickLogReader(ClickLogFormat.movielens()).readAll(log);

        assertThat(read.clicks()).extracting(Click::userId).containsExactly("1", "6");
        ReadReport r = read.report();
        assertThat(r.badRows()).isEqualTo(5);
        assertThat(r.blankLines()).isEqualTo(1);
        assertThat(r.records()).isEqualTo(2);
        assertThat(r.firstBadRows())
                .extracting(BadRow::lineNumber)
                .containsExactly(3L, 4L, 5L, 6L, 8L);
        assertThat(r.firstBadRows())
                .extracting(BadRow::reason)
                .containsExactly(
                        "expected 4 columns, found 3",
                        "empty user id",
                        "empty item id",
                        "bad time: time 'yesterday' is not a number (epoch_s)",
                        "expected 4 columns, found 5");
        assertThat(r.firstBadRows().get(0).excerpt()).isEqualTo("2\t11\t3");

        read.requireBadRowsAtMost(5);
        assertThatThrownBy(() -> read.requireBadRowsAtMost(4))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("5 bad rows, at most 4 allowed")
                .hasMessageContaining("line 3: expected 4 columns, found 3")
                .hasMessageContaining("line 6: bad time");
    }

    @Test
    void keepsOnlyTheFirstBadRowsButCountsAll() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            s.append("u,i\n");
        }
        Path log = write("many.dat", s.toString());
        ReadReport r =
                new ClickLogReader(
                                ClickLogFormat.movielensDat(),
                                null,
                                null,
                                new ReadLimits(3, Long.MAX_VALUE))
                        .read(log, c -> {});
        assertThat(r.badRows()).isEqualTo(50);
        assertThat(r.firstBadRows()).extracting(BadRow::lineNumber).containsExactly(1L, 2L, 3L);
        assertThat(r.stoppedEarly()).isFalse();
    }

    @Test
    void stopsReadingOnceTheCallerWouldRejectTheFile() throws IOException {
        Path log = write("wrong.csv", "a,b\n".repeat(1000));
        ReadReport r =
                new ClickLogReader(
                                ClickLogFormat.movielensDat(), null, null, ReadLimits.failAfter(10))
                        .read(log, c -> {});
        assertThat(r.stoppedEarly()).isTrue();
        assertThat(r.badRows()).isEqualTo(31);
        assertThat(r.lines()).isEqualTo(31);
        assertThat(r.firstBadRows()).hasSize(20);
        assertThatThrownBy(() -> r.requireBadRowsAtMost(10))
                .hasMessageContaining("stopped reading at line 31");
    }

    @Test
    void aMissingHeaderColumnFailsTheWholeFileClearly() throws IOException {
        Path log = write("x.inter", "user\titem_id\ttimestamp\n1\t2\t3\n");
        assertThatThrownBy(() -> new ClickLogReader(ClickLogFormat.movielens()).readAll(log))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(
                        "no user column 'user_id' in the header [user, item_id, timestamp]");
    }

    @Test
    void aNamedColumnWithoutHeaderIsAnError() throws IOException {
        Path log = write("x.csv", "1,2,3\n");
        ClickLogFormat format =
                ClickLogFormat.builder()
                        .header(false)
                        .separator(",")
                        .user(ColumnRef.named("user"))
                        .item(ColumnRef.at(1))
                        .time(ColumnRef.at(2))
                        .build();
        assertThatThrownBy(() -> new ClickLogReader(format).readAll(log))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("no header; give a 0-based index");
    }

    @Test
    void anEmptyFileWithAHeaderExpectedIsAnError() throws IOException {
        Path log = write("empty.inter", "");
        assertThatThrownBy(() -> new ClickLogReader(ClickLogFormat.movielens()).readAll(log))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("empty file");
    }

    @Test
    void aMissingFileIsAClearError() {
        assertThatThrownBy(
                        () ->
                                new ClickLogReader(ClickLogFormat.movielens())
                                        .readAll(dir.resolve("nope.inter")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("no such file");
    }

    @Test
    void taobaoKeepsPageViewsByDefaultAndCountsTheRestAsSkipped() throws IOException {
        Path log =
                write(
                        "UserBehavior.csv",
                        "1,2268318,2520377,pv,1511544070\n"
                                + "1,2333346,2520771,buy,1511561733\n"
                                + "1,2576651,149192,cart,1511572885\n"
                                + "2,3830808,4181361,pv,1511593493\n");
        ClickLog pv = new ClickLogReader(ClickLogFormat.taobao(false)).readAll(log);
        assertThat(pv.clicks())
                .extracting(c -> c.behavior().itemId())
                .containsExactly("2268318", "3830808");
        assertThat(pv.clicks().get(0).behavior().categoryId()).isEqualTo("2520377");
        assertThat(pv.report().skippedRows()).isEqualTo(2);
        assertThat(pv.report().badRows()).isZero();

        ClickLog all = new ClickLogReader(ClickLogFormat.taobao(true)).readAll(log);
        assertThat(all.clicks()).hasSize(4);
        assertThat(all.report().skippedRows()).isZero();
    }

    @Test
    void joinsItemFeaturesAndProfilesAndTheLogsOwnFeaturesWin() throws IOException {
        Path items =
                write(
                        "x.item",
                        "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
                                + "1\tToy Story\t1995\tAnimation Children's Comedy\n"
                                + "2\tGoldenEye\t1995\tAction Adventure Thriller\n");
        Path users =
                write(
                        "x.user",
                        "user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token\n"
                                + "7\t24\tM\ttechnician\t85711\n");
        Path log =
                write(
                        "x.csv",
                        "user\titem\ttime\tcategory\n"
                                + "7\t1\t10\t\n"
                                + "7\t2\t20\tSpy\n"
                                + "8\t3\t30\t\n");
        ClickLogFormat format =
                ClickLogFormat.builder()
                        .user(ColumnRef.named("user"))
                        .item(ColumnRef.named("item"))
                        .time(ColumnRef.named("time"))
                        .category(ColumnRef.named("category"))
                        .build();
        ClickLog read =
                ClickLogSource.of(log, format)
                        .withItems(items, ItemFileFormat.recBole())
                        .withUsers(users, UserFileFormat.recBole())
                        .read();

        Map<String, String> profile =
                Map.of("age", "20-29", "gender", "M", "occupation", "technician");
        assertThat(read.clicks())
                .containsExactly(
                        new Click(
                                "7",
                                null,
                                new Behavior("1", "Animation", "1995", null, 10_000),
                                profile),
                        new Click(
                                "7", null, new Behavior("2", "Spy", "1995", null, 20_000), profile),
                        new Click("8", null, new Behavior("3", null, null, null, 30_000)));
        assertThat(read.report().missingItemFeatures()).isEqualTo(1);
        assertThat(read.report().missingProfiles()).isEqualTo(1);
        assertThat(read.reports()).hasSize(3);
        assertThat(read.report().summary())
                .contains("1 without item features", "1 without profile");
    }

    @Test
    void readsGzippedLogs() throws IOException {
        Path log = dir.resolve("UserBehavior.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(log))) {
            out.write("1,2,3,pv,1511544070\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(new ClickLogReader(ClickLogFormat.taobao(false)).readAll(log).clicks())
                .hasSize(1);
    }

    @Test
    void toleratesABomAndWindowsLineEndings() throws IOException {
        Path log =
                write(
                        "x.inter",
                        "\uFEFFuser_id:token\titem_id:token\ttimestamp:float\r\n1\t2\t3\r\n");
        ClickLog read = new ClickLogReader(ClickLogFormat.movielens()).readAll(log);
        assertThat(read.clicks()).containsExactly(new Click("1", null, Behavior.ofItem("2", 3000)));
    }

    @Test
    void aBehaviourFilterNeedsBothColumnAndValues() {
        assertThatThrownBy(
                        () ->
                                ClickLogFormat.movielens().toBuilder()
                                        .keepOnly(ColumnRef.at(1), null)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ClickLogFormat.taobao(false).toBuilder().keepAll().build().keepBehaviors())
                .isNull();
        assertThat(ClickLogFormat.taobao(false).keepBehaviors()).isEqualTo(Set.of("pv"));
    }
}
