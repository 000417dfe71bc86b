package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.model.eval.Clicks.click;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;
import org.sdmstream.model.eval.LeaveLastOutSplit.Validation;

class LeaveLastOutSplitTest {

    private static final SessionRules RULES = SessionRules.DEFAULT;

    // u1 in event time: i0(-10) i1(0) i2(5) i3(30) i4(30, logged after i3); u2: j1(0) j2(60); u3:
    // one click
    private final Click i1 = click("u1", "i1", 0);
    private final Click j1 = click("u2", "j1", 0);
    private final Click i2 = click("u1", "i2", 5);
    private final Click i3 = click("u1", "i3", 30);
    private final Click k1 = click("u3", "k1", 0);
    private final Click i4 = click("u1", "i4", 30);
    private final Click j2 = click("u2", "j2", 60);
    private final Click i0 = click("u1", "i0", -10); // arrives late in the log, first in event time
    private final List<Click> log = List.of(i1, j1, i2, i3, k1, i4, j2, i0);

    private static List<String> items(List<Behavior> behaviors) {
        return behaviors.stream().map(Behavior::itemId).toList();
    }

    /** What the stream emits after replaying these clicks through the shared timeline. */
    private static ModelInput replay(String user, Click... clicks) {
        UserTimeline timeline = new UserTimeline();
        for (Click c : clicks) {
            timeline.accept(user, c, RULES);
        }
        return timeline.modelInput(user);
    }

    @Test
    void holdsOutTheLastClickInEventTimeWithTiesInLogOrder() {
        LeaveLastOutSplit split = LeaveLastOutSplit.of(log, RULES, Validation.NONE);

        assertThat(split.testCases())
                .extracting(EvaluationCase::userId)
                .containsExactly("u1", "u2");
        EvaluationCase u1 = split.testCases().get(0);
        assertThat(u1.heldOutItems())
                .containsExactly("i4"); // ties with i3 at minute 30, logged later
        assertThat(split.testCases().get(1).heldOutItems()).containsExactly("j2");
        assertThat(split.skippedUsers()).isEqualTo(1);
        assertThat(split.evaluatedUsers()).isEqualTo(2);
    }

    @Test
    void tiesFollowTheLogOrder() {
        List<Click> swapped = List.of(i1, i2, i4, i3); // i4 logged before i3, same minute
        LeaveLastOutSplit split = LeaveLastOutSplit.of(swapped, RULES, Validation.NONE);
        assertThat(split.testCases().get(0).heldOutItems()).containsExactly("i3");
    }

    @Test
    void inputIsTheSharedTimelineAfterTheClicksBeforeTheHeldOutOne() {
        LeaveLastOutSplit split = LeaveLastOutSplit.of(log, RULES, Validation.NONE);
        EvaluationCase u1 = split.testCases().get(0);

        assertThat(u1.input()).isEqualTo(replay("u1", i0, i1, i2, i3));
        // sessions [i0] [i1 i2] [i3 | i4]: the input ends at i3, with the three before it as
        // history
        assertThat(items(u1.input().session())).containsExactly("i3");
        assertThat(items(u1.input().history())).containsExactly("i0", "i1", "i2");
        assertThat(u1.input().lastClick()).isEqualTo(i3.behavior());
        assertThat(u1.seenItems()).containsExactlyInAnyOrder("i0", "i1", "i2", "i3");
        assertThat(u1.priorItems()).containsExactly("i0", "i1", "i2", "i3"); // the shared order

        EvaluationCase u2 = split.testCases().get(1);
        assertThat(u2.input()).isEqualTo(replay("u2", j1));
        assertThat(u2.input().history()).isEmpty();
    }

    @Test
    void trainingHasEverythingButTheHeldOutClicksInLogOrder() {
        LeaveLastOutSplit split = LeaveLastOutSplit.of(log, RULES, Validation.NONE);
        TrainingSplit training = split.training();

        assertThat(training.clicks()).containsExactly(i1, j1, i2, i3, k1, i0);
        assertThat(training.sessions())
                .isEqualTo(new OfflineSessionizer(RULES).sessionize(training.clicks()));
        assertThat(training.sessions())
                .extracting(s -> items(s.clicks()))
                .containsExactly(
                        List.of("i0"),
                        List.of("i1", "i2"),
                        List.of("i3"),
                        List.of("j1"),
                        List.of("k1"));
        assertThat(training.validation()).isEmpty();
        assertThat(training.rules()).isEqualTo(RULES);
    }

    @Test
    void validationCarvesOutTheSecondToLastClickOfUsersWithThreeOrMore() {
        LeaveLastOutSplit split = LeaveLastOutSplit.of(log, RULES, Validation.SECOND_TO_LAST);
        TrainingSplit training = split.training();

        assertThat(training.validation()).hasSize(1); // u2 has only two clicks
        EvaluationCase v = training.validation().get(0);
        assertThat(v.userId()).isEqualTo("u1");
        assertThat(v.heldOutItems()).containsExactly("i3");
        assertThat(v.input()).isEqualTo(replay("u1", i0, i1, i2));
        assertThat(training.clicks()).containsExactly(i1, j1, i2, k1, i0);
        // the test input still sees the validation click: it happened before the test click
        assertThat(split.testCases().get(0).input()).isEqualTo(replay("u1", i0, i1, i2, i3));
    }

    @Test
    void identicalClicksLoseOnlyTheHeldOutCopy() {
        Click a = click("u", "x", 1);
        Click b = click("u", "x", 1); // equal record, different click
        LeaveLastOutSplit split = LeaveLastOutSplit.of(List.of(a, b), RULES, Validation.NONE);
        assertThat(split.training().clicks()).hasSize(1);
        assertThat(split.training().clicks().get(0)).isSameAs(a);
        assertThat(split.testCases().get(0).heldOutItems()).containsExactly("x");
    }

    @Test
    void longLogsKeepTheSessionCapAndHistoryBoundsOfTheStream() {
        List<Click> clicks = new ArrayList<>();
        for (int m = 0; m < 80; m++) {
            clicks.add(
                    click("u", "item" + m, m)); // one click a minute: one long session, cut at 50
        }
        LeaveLastOutSplit split = LeaveLastOutSplit.of(clicks, RULES, Validation.NONE);
        ModelInput input = split.testCases().get(0).input();
        assertThat(input).isEqualTo(replay("u", clicks.subList(0, 79).toArray(Click[]::new)));
        assertThat(input.session()).hasSize(29); // clicks 50..78
        assertThat(input.history()).hasSize(20); // the newest 20 before the session
        assertThat(split.testCases().get(0).heldOutItems()).containsExactly("item79");
    }
}
