package org.sdmstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Session;
import org.sdmstream.model.SdmConfig;

class TrainingExamplesTest {

    private static Session session(String user, long start, String... items) {
        List<Behavior> clicks = Arrays.stream(items).map(i -> Behavior.ofItem(i, start)).toList();
        return new Session(user, user + "@" + start, start, start + 1, clicks, List.of());
    }

    @Test
    void labelsAreTheNextClickAndTheNextSessionsFirstClick() {
        // given out of order: the user's later session first
        List<Session> sessions =
                List.of(
                        session("u", 200, "d", "e"),
                        session("u", 100, "a", "b", "c"),
                        session("v", 50, "x"));
        List<SessionExample> ex =
                TrainingExamples.from(sessions, u -> u.equals("u") ? Map.of("g", "f") : null, true);
        assertThat(ex).hasSize(3);
        assertThat(ex.get(0).input().session())
                .extracting(Behavior::itemId)
                .containsExactly("a", "b", "c");
        assertThat(ex.get(0).nextItems()).containsExactly("b", "c", "d");
        assertThat(ex.get(0).input().profile()).containsEntry("g", "f");
        assertThat(ex.get(1).nextItems()).containsExactly("e", null);
        assertThat(ex.get(2).nextItems()).containsExactly((String) null);
        assertThat(ex.get(2).labelled()).isZero();

        List<SessionExample> within = TrainingExamples.from(sessions, u -> Map.of(), false);
        assertThat(within.get(0).nextItems()).containsExactly("b", "c", null);
    }

    @Test
    void labelCandidatesAreTheUsersNextClicksWithinTheWindow() {
        List<Session> sessions =
                List.of(session("u", 200, "d", "e"), session("u", 100, "a", "b", "c"));
        List<SessionExample> across =
                TrainingExamples.from(sessions, u -> Map.of(), true, 3, false);
        assertThat(across.get(0).labelCandidates())
                .containsExactly(List.of("b", "c", "d"), List.of("c", "d", "e"), List.of("d", "e"));
        assertThat(across.get(1).labelCandidates()).containsExactly(List.of("e"), List.of());
        // The next click stays the fixed label (validation scores it).
        assertThat(across.get(0).nextItems()).containsExactly("b", "c", "d");

        List<SessionExample> within =
                TrainingExamples.from(sessions, u -> Map.of(), false, 3, false);
        assertThat(within.get(0).labelCandidates())
                .containsExactly(List.of("b", "c"), List.of("c"), List.of());

        List<SessionExample> one = TrainingExamples.from(sessions, u -> Map.of(), true);
        assertThat(one.get(0).labelCandidates())
                .containsExactly(List.of("b"), List.of("c"), List.of("d"));
    }

    @Test
    void tiedLabelsAddEveryLaterClickWithTheNextClicksTime() {
        Session s =
                new Session(
                        "u",
                        "u@1",
                        1,
                        3,
                        List.of(
                                Behavior.ofItem("a", 1),
                                Behavior.ofItem("b", 2),
                                Behavior.ofItem("c", 2),
                                Behavior.ofItem("d", 2),
                                Behavior.ofItem("e", 3)),
                        List.of());
        List<SessionExample> ex = TrainingExamples.from(List.of(s), u -> Map.of(), true, 1, true);
        assertThat(ex.get(0).labelCandidates())
                .containsExactly(
                        List.of("b", "c", "d"),
                        List.of("c", "d"),
                        List.of("d"),
                        List.of("e"),
                        List.of());
        assertThat(ex.get(0).nextItems()).containsExactly("b", "c", "d", "e", null);
    }

    @Test
    void logUniformNegativesFavourFrequentItemsAndLogQMatches() {
        NegativeSampler sampler = new NegativeSampler(SdmConfig.Sampler.LOG_UNIFORM, 1000, 102, 1);
        int[] ids = new int[1000];
        float[] logQ = new float[1000];
        int[] counts = new int[102];
        for (int round = 0; round < 50; round++) {
            sampler.sample(ids, logQ);
            for (int i = 0; i < ids.length; i++) {
                assertThat(ids[i]).isBetween(2, 101);
                assertThat(logQ[i]).isEqualTo(sampler.logExpectedCount(ids[i]));
                counts[ids[i]]++;
            }
        }
        // expected count of row 2 per batch: 1000 * log(2)/log(101) ~ 150
        double perBatch = counts[2] / 50.0;
        assertThat(perBatch)
                .isCloseTo(
                        Math.exp(sampler.logExpectedCount(2)),
                        org.assertj.core.data.Offset.offset(15.0));
        assertThat(counts[2]).isGreaterThan(counts[50] * 5);
        NegativeSampler uniform = new NegativeSampler(SdmConfig.Sampler.UNIFORM, 10, 12, 1);
        assertThat(uniform.logExpectedCount(5))
                .isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-6f)); // 10 * 1/10
    }
}
