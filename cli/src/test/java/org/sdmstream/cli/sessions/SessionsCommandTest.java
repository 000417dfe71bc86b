package org.sdmstream.cli.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.cli.CommandRun;
import org.sdmstream.features.testing.TestData;

class SessionsCommandTest {

    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private Path smallLog() throws IOException {
        return write(
                "clicks.tsv",
                "user_id\titem_id\ttimestamp\tsid\n"
                        + "u1\ta\t1000\ts1\n"
                        + "u2\tx\t1000\t\n"
                        + "u1\tb\t1060\ts1\n"
                        + "u1\tc\t2000\ts2\n" // 940 s after b: a new session whose history is a, b
                        + "u1\t\"quote\\back\" é\t2100\ts2\n"
                        + "u2\ty\t999\t\n"); // out of log order: sorted before x
    }

    @Test
    void writesOneExactJsonObjectPerSession() throws IOException {
        CommandRun run =
                CommandRun.sdm(
                        "sessions",
                        "--input",
                        smallLog().toString(),
                        "--user",
                        "user_id",
                        "--item",
                        "item_id",
                        "--time",
                        "timestamp",
                        "--session",
                        "sid");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .isEqualTo(
                        String.join(
                                "\n",
                                "{\"userId\":\"u1\",\"sessionId\":\"u1@1000000\",\"start\":1000000,\"end\":1060000,"
                                        + "\"items\":[\"a\",\"b\"],\"longTerm\":[]}",
                                "{\"userId\":\"u1\",\"sessionId\":\"u1@2000000\",\"start\":2000000,\"end\":2100000,"
                                        + "\"items\":[\"c\",\"\\\"quote\\\\back\\\" é\"],\"longTerm\":[\"a\",\"b\"]}",
                                "{\"userId\":\"u2\",\"sessionId\":\"u2@999000\",\"start\":999000,\"end\":1000000,"
                                        + "\"items\":[\"y\",\"x\"],\"longTerm\":[]}",
                                ""));
        assertThat(run.err()).contains("2 users, 3 sessions, 6 clicks, 0 bad rows");
    }

    @Test
    void ruleOptionsChangeTheCut() throws IOException {
        CommandRun run =
                CommandRun.sdm(
                        "sessions",
                        "--input",
                        smallLog().toString(),
                        "-q",
                        "--user",
                        "0",
                        "--item",
                        "1",
                        "--time",
                        "timestamp",
                        "--gap",
                        "20m",
                        "--max-session-length",
                        "3",
                        "--max-history",
                        "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().toList())
                .containsExactly(
                        "{\"userId\":\"u1\",\"sessionId\":\"u1@1000000\",\"start\":1000000,\"end\":2000000,"
                                + "\"items\":[\"a\",\"b\",\"c\"],\"longTerm\":[]}",
                        "{\"userId\":\"u1\",\"sessionId\":\"u1@2100000\",\"start\":2100000,\"end\":2100000,"
                                + "\"items\":[\"\\\"quote\\\\back\\\" é\"],\"longTerm\":[\"c\"]}",
                        "{\"userId\":\"u2\",\"sessionId\":\"u2@999000\",\"start\":999000,\"end\":1000000,"
                                + "\"items\":[\"y\",\"x\"],\"longTerm\":[]}");
        assertThat(run.err()).as("--quiet").isEmpty();
    }

    @Test
    void readsHeaderlessCommaFilesWithADatePattern() throws IOException {
        Path log = write("c.csv", "u1,i1,2024-03-01 10:00:00\nu1,i2,2024-03-01 10:09:59\n");
        CommandRun run =
                CommandRun.sdm(
                        "sessions",
                        "--input",
                        log.toString(),
                        "--no-header",
                        "--sep",
                        "comma",
                        "--user",
                        "0",
                        "--item",
                        "1",
                        "--time",
                        "2",
                        "--time-format",
                        "yyyy-MM-dd HH:mm:ss");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .isEqualTo(
                        "{\"userId\":\"u1\",\"sessionId\":\"u1@1709287200000\",\"start\":1709287200000,"
                                + "\"end\":1709287799000,\"items\":[\"i1\",\"i2\"],\"longTerm\":[]}\n");
    }

    private Path logWithBadRows() throws IOException {
        return write(
                "bad.tsv",
                "user_id\titem_id\ttimestamp\n"
                        + "u1\ta\t1000\n"
                        + "u1\tb\n" // line 3
                        + "u1\tc\t1100\n"
                        + "u1\td\tnoon\n" // line 5
                        + "u1\te\t1200\n");
    }

    @Test
    void badRowsFailTheRunByDefaultWithTheirLineNumbers() throws IOException {
        Path out = dir.resolve("out.jsonl");
        CommandRun run =
                CommandRun.sdm(
                        "sessions",
                        "--input",
                        logWithBadRows().toString(),
                        "--user",
                        "user_id",
                        "--item",
                        "item_id",
                        "--time",
                        "timestamp",
                        "--output",
                        out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("2 bad rows, at most 0 allowed")
                .contains("line 3: expected 3 columns, found 2 [u1\tb]")
                .contains("line 5: bad time: time 'noon' is not a number (epoch_s)");
        assertThat(run.out()).isEmpty();
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("out.jsonl.tmp")).doesNotExist();
    }

    @Test
    void badRowsWithinTheLimitAreLeftOutAndListed() throws IOException {
        CommandRun run =
                CommandRun.sdm(
                        "sessions",
                        "--input",
                        logWithBadRows().toString(),
                        "--max-bad-rows",
                        "2",
                        "--user",
                        "user_id",
                        "--item",
                        "item_id",
                        "--time",
                        "timestamp");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .isEqualTo(
                        "{\"userId\":\"u1\",\"sessionId\":\"u1@1000000\",\"start\":1000000,"
                                + "\"end\":1200000,\"items\":[\"a\",\"c\",\"e\"],\"longTerm\":[]}\n");
        assertThat(run.err())
                .contains("warning: 2 bad rows left out of")
                .contains("line 3: expected 3 columns, found 2")
                .contains("line 5: bad time")
                .contains("1 users, 1 sessions, 3 clicks, 2 bad rows");
    }

    @Test
    void writesToAFileAtomically() throws IOException {
        Path out = dir.resolve("sub/dir/sessions.jsonl");
        CommandRun run =
                CommandRun.sdm(
                        "sessions",
                        "--input",
                        smallLog().toString(),
                        "--user",
                        "user_id",
                        "--item",
                        "item_id",
                        "--time",
                        "timestamp",
                        "-o",
                        out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(Files.readAllLines(out)).hasSize(3);
        assertThat(out.resolveSibling("sessions.jsonl.tmp")).doesNotExist();
        assertThat(run.err()).contains("-> " + out);
    }

    @Test
    void usageErrorsExitWithTwo() throws IOException {
        String log = smallLog().toString();
        assertUsage(List.of("sessions"), "give exactly one of --input FILE or --dataset-dir DIR");
        assertUsage(
                List.of(
                        "sessions",
                        "--input",
                        log,
                        "--dataset-dir",
                        dir.toString(),
                        "--preset",
                        "movielens"),
                "give exactly one of");
        assertUsage(
                List.of("sessions", "--input", log, "--preset", "netflix"),
                "unknown preset 'netflix'");
        assertUsage(
                List.of("sessions", "--input", log, "--user", "user_id"),
                "give the columns: --user, --item and --time");
        assertUsage(
                List.of("sessions", "--dataset-dir", dir.toString()),
                "--dataset-dir needs --preset");
        assertUsage(
                List.of("sessions", "--input", log, "--preset", "movielens", "--gap", "soon"),
                "'soon' is not a duration");
        assertUsage(
                List.of(
                        "sessions",
                        "--input",
                        log,
                        "--preset",
                        "movielens",
                        "--gap",
                        "2d",
                        "--horizon",
                        "1d"),
                "must not be shorter than the session gap");
        assertUsage(
                List.of(
                        "sessions",
                        "--input",
                        log,
                        "--preset",
                        "movielens",
                        "--time-format",
                        "yyyy-{{"),
                "nor a valid java.time pattern");
        assertUsage(
                List.of("sessions", "--input", log, "--preset", "movielens", "--all-behaviors"),
                "--all-behaviors applies to --preset taobao only");
    }

    private static void assertUsage(List<String> args, String message) {
        CommandRun run = CommandRun.sdm(args.toArray(String[]::new));
        assertThat(run.exitCode()).as("%s: %s", args, run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message).contains("Usage: sdm sessions");
    }

    @Test
    void unreadableInputIsARuntimeError() {
        CommandRun run =
                CommandRun.sdm(
                        "sessions",
                        "--input",
                        dir.resolve("absent.inter").toString(),
                        "--preset",
                        "movielens");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("sdm sessions: error: no such file")
                .doesNotContain("Usage:");

        CommandRun wrongHeader =
                CommandRun.sdm(
                        "sessions",
                        "--dataset-dir",
                        dir.resolve("nope").toString(),
                        "--preset",
                        "movielens");
        assertThat(wrongHeader.exitCode()).isEqualTo(1);
        assertThat(wrongHeader.err()).contains("does not exist");
    }

    @Test
    void findsARecBoleDataSetAndUsesItsSideFiles() throws IOException {
        Path ds = Files.createDirectory(dir.resolve("ml-tiny"));
        Files.writeString(
                ds.resolve("ml-tiny.inter"),
                "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                        + "7\t1\t5\t100\n7\t2\t4\t5000\n");
        Files.writeString(
                ds.resolve("ml-tiny.item"),
                "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
                        + "1\tToy Story\t1995\tAnimation Comedy\n");
        Files.writeString(
                ds.resolve("ml-tiny.user"),
                "user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token\n"
                        + "8\t30\tF\twriter\t1\n");
        CommandRun run =
                CommandRun.sdm("sessions", "--dataset-dir", ds.toString(), "--preset", "movielens");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .isEqualTo(
                        "{\"userId\":\"7\",\"sessionId\":\"7@100000\",\"start\":100000,\"end\":100000,\"items\":[\"1\"],\"longTerm\":[]}\n"
                                + "{\"userId\":\"7\",\"sessionId\":\"7@5000000\",\"start\":5000000,\"end\":5000000,\"items\":[\"2\"],"
                                + "\"longTerm\":[\"1\"]}\n");
        // Joins that miss are counted, not hidden.
        assertThat(run.err())
                .contains(
                        "ml-tiny.inter: 2 records, 0 bad, 0 skipped, 1 without item features, 2 without profile")
                .contains("ml-tiny.item: 1 records")
                .contains("ml-tiny.user: 1 records");
    }

    @Test
    void taobaoKeepsPageViewsUnlessAllBehaviorsAreAsked() throws IOException {
        Path ds = Files.createDirectory(dir.resolve("taobao"));
        Files.writeString(
                ds.resolve("UserBehavior.csv"),
                "1,10,100,pv,1511544070\n1,11,100,buy,1511544071\n");
        CommandRun pv =
                CommandRun.sdm("sessions", "--dataset-dir", ds.toString(), "--preset", "taobao");
        assertThat(pv.exitCode()).as(pv.err()).isZero();
        assertThat(pv.out()).contains("\"items\":[\"10\"]");
        assertThat(pv.err()).contains("1 records, 0 bad, 1 skipped");

        CommandRun all =
                CommandRun.sdm(
                        "sessions",
                        "--dataset-dir",
                        ds.toString(),
                        "--preset",
                        "taobao",
                        "--all-behaviors");
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains("\"items\":[\"10\",\"11\"]");
    }

    @Test
    void sessionizesAllOfMovieLens100k() throws IOException {
        Path ml = TestData.movieLens100k();
        Path out = dir.resolve("ml-100k.sessions.jsonl");

        CommandRun run =
                CommandRun.sdm(
                        "sessions",
                        "--dataset-dir",
                        ml.toString(),
                        "--preset",
                        "movielens",
                        "--output",
                        out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        ObjectMapper mapper = new ObjectMapper();
        Set<String> users = new HashSet<>();
        Set<String> sessionIds = new HashSet<>();
        long clicks = 0;
        long sessions = 0;
        long withHistory = 0;
        for (String line : Files.readAllLines(out)) {
            JsonNode s = mapper.readTree(line);
            users.add(s.get("userId").asText());
            assertThat(sessionIds.add(s.get("sessionId").asText())).isTrue();
            assertThat(s.get("items").size()).isBetween(1, 50);
            assertThat(s.get("longTerm").size()).isBetween(0, 20);
            assertThat(s.get("end").asLong()).isGreaterThanOrEqualTo(s.get("start").asLong());
            clicks += s.get("items").size();
            withHistory += s.get("longTerm").isEmpty() ? 0 : 1;
            sessions++;
        }
        assertThat(users).hasSize(943);
        assertThat(clicks).isEqualTo(100_000);
        assertThat(sessions).isGreaterThan(943);
        assertThat(withHistory).isPositive();
        assertThat(run.err())
                .contains("943 users, " + sessions + " sessions, 100000 clicks, 0 bad rows");
    }
}
