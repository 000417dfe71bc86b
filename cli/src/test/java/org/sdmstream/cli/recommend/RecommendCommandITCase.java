package org.sdmstream.cli.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.cli.CommandRun;

class RecommendCommandITCase {

    @TempDir static Path tmp;

    static Path log;
    static Path model;

    /** 6 users, 2 sessions of 4 clicks each an hour apart, walking the cycle of items i0..i11. */
    @BeforeAll
    static void trainATinyModel() throws Exception {
        List<String> rows = new ArrayList<>();
        for (int u = 0; u < 6; u++) {
            long seconds = 1_700_000_000L + u;
            int k = (5 * u) % 12;
            for (int session = 0; session < 2; session++) {
                for (int click = 0; click < 4; click++) {
                    rows.add("u" + u + ",i" + k + ",c" + (k % 3) + ",pv," + seconds);
                    seconds += 60;
                    k = (k + 1) % 12;
                }
                seconds += 3600;
            }
        }
        log = tmp.resolve("UserBehavior.csv");
        Files.write(log, rows);
        model = tmp.resolve("model");
        CommandRun train =
                CommandRun.sdm(
                        "train",
                        "--log",
                        log.toString(),
                        "--preset",
                        "taobao",
                        "--model-version",
                        "r1",
                        "--item-dim",
                        "8",
                        "--category-dim",
                        "4",
                        "--brand-dim",
                        "2",
                        "--shop-dim",
                        "2",
                        "--user-dim",
                        "8",
                        "--hidden-size",
                        "8",
                        "--heads",
                        "2",
                        "--max-session",
                        "6",
                        "--max-history",
                        "4",
                        "--batch-size",
                        "16",
                        "--epochs",
                        "1",
                        "--output",
                        model.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
    }

    private static List<JsonNode> lines(String out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(json.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void oneLinePerUserWithKItemsOutsideTheLastSession() throws Exception {
        CommandRun r =
                CommandRun.sdm(
                        "recommend",
                        "--model",
                        model.toString(),
                        "--log",
                        log.toString(),
                        "--preset",
                        "taobao",
                        "--k",
                        "5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> users = lines(r.out());
        assertThat(users).hasSize(6);
        for (JsonNode u : users) {
            assertThat(u.get("modelVersion").asText()).isEqualTo("r1");
            assertThat(u.get("sessionPosition").asInt()).isEqualTo(4);
            assertThat(u.get("items")).hasSize(5);
            assertThat(u.get("scores")).hasSize(5);
            List<String> items = new ArrayList<>();
            u.get("items").forEach(i -> items.add(i.asText()));
            assertThat(items).allMatch(i -> i.matches("i\\d+")); // never padding or unknown rows
            assertThat(u.get("scores").get(0).floatValue())
                    .isGreaterThanOrEqualTo(u.get("scores").get(4).floatValue());
        }
        // u0's last session clicked i4..i7: none of them comes back
        JsonNode u0 =
                users.stream()
                        .filter(u -> u.get("userId").asText().equals("u0"))
                        .findFirst()
                        .orElseThrow();
        u0.get("items").forEach(i -> assertThat(i.asText()).isNotIn("i4", "i5", "i6", "i7"));
    }

    @Test
    void everyClickForOneUserAsTheStreamEmits() throws Exception {
        CommandRun r =
                CommandRun.sdm(
                        "recommend",
                        "--model",
                        model.toString(),
                        "--log",
                        log.toString(),
                        "--preset",
                        "taobao",
                        "--k",
                        "3",
                        "--only-user",
                        "u2",
                        "--every-click",
                        "--index",
                        "hnsw");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> clicks = lines(r.out());
        assertThat(clicks).hasSize(8).allMatch(c -> c.get("userId").asText().equals("u2"));
        assertThat(clicks.stream().map(c -> c.get("sessionPosition").asInt()).toList())
                .containsExactly(1, 2, 3, 4, 1, 2, 3, 4);
    }
}
