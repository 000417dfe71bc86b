package org.sdmstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;

class TieShuffleTest {

    private static SessionExample example(long[] times, String next) {
        List<Behavior> clicks =
                java.util.stream.IntStream.range(0, times.length)
                        .mapToObj(i -> Behavior.ofItem(String.valueOf((char) ('a' + i)), times[i]))
                        .toList();
        List<String> labels = new java.util.ArrayList<>();
        for (int i = 1; i < clicks.size(); i++) {
            labels.add(clicks.get(i).itemId());
        }
        labels.add(next);
        return new SessionExample(
                new ModelInput(
                        "u",
                        "s",
                        clicks,
                        List.of(Behavior.ofItem("h", 0)),
                        Map.of("age", "1"),
                        times[times.length - 1]),
                labels);
    }

    private static String items(SessionExample e) {
        return String.join("", e.input().session().stream().map(Behavior::itemId).toList());
    }

    @Test
    void onlyClicksThatShareATimeMoveAndTheLabelsFollowTheNewOrder() {
        SessionExample original = example(new long[] {1, 2, 2, 2, 3, 4, 4}, "x");
        Set<String> seen = new HashSet<>();
        Random random = new Random(7);
        for (int draw = 0; draw < 200; draw++) {
            SessionExample shuffled = TieShuffle.shuffle(original, random);
            String order = items(shuffled);
            seen.add(order);
            assertThat(order.charAt(0)).isEqualTo('a');
            assertThat(order.charAt(4)).isEqualTo('e');
            char[] tie = order.substring(1, 4).toCharArray();
            Arrays.sort(tie);
            assertThat(new String(tie)).isEqualTo("bcd");
            assertThat(order.substring(5)).isIn("fg", "gf");
            for (int j = 0; j + 1 < order.length(); j++) {
                assertThat(shuffled.nextItems().get(j))
                        .isEqualTo(String.valueOf(order.charAt(j + 1)));
            }
            // The session's last label is the next session's first click, whatever the order.
            assertThat(shuffled.nextItems().get(6)).isEqualTo("x");
            // Times stay in order, and nothing else about the input changes.
            List<Behavior> clicks = shuffled.input().session();
            for (int j = 1; j < clicks.size(); j++) {
                assertThat(clicks.get(j).eventTime())
                        .isGreaterThanOrEqualTo(clicks.get(j - 1).eventTime());
            }
            assertThat(shuffled.input().history()).isEqualTo(original.input().history());
            assertThat(shuffled.input().profile()).isEqualTo(original.input().profile());
            assertThat(shuffled.input().eventTime()).isEqualTo(original.input().eventTime());
        }
        // Every order of the two ties occurs: 3! x 2! = 12.
        assertThat(seen).hasSize(12);
    }

    @Test
    void aSessionWithoutTiesIsLeftAlone() {
        SessionExample original = example(new long[] {1, 2, 3}, null);
        assertThat(TieShuffle.shuffle(original, new Random(1))).isSameAs(original);
    }
}
