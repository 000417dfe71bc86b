package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sdmstream.model.eval.Clicks.click;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.SessionRules;
import org.sdmstream.model.eval.LeaveLastOutSplit.Validation;

class SplitExportTest {

    @TempDir Path dir;

    // u1 in event time: i0(-10) i1(0) i2(5) i3(30) i4(30, logged after i3) i1 again(40); u2: j1(0)
    // j2(60); u3: one click. i1 carries side features and u1 a profile.
    private final Click i1 =
            new Click("u1", null, new Behavior("i1", "c1", "b1", null, 0), Map.of("age", "24"));
    private final Click j1 = click("u2", "j1", 0);
    private final Click i2 = click("u1", "i2", 5);
    private final Click i3 = click("u1", "i3", 30);
    private final Click k1 = click("u3", "k1", 0);
    private final Click i4 = click("u1", "i4", 30);
    private final Click j2 = click("u2", "j2", 60);
    private final Click i0 = click("u1", "i0", -10); // arrives late in the log, first in event time
    private final Click again = click("u1", "i1", 40);
    private final List<Click> log = List.of(i1, j1, i2, i3, k1, i4, j2, i0, again);

    private List<String> lines(String file) throws Exception {
        return Files.readAllLines(dir.resolve(file));
    }

    private void export(Validation validation) throws Exception {
        LeaveLastOutSplit split = LeaveLastOutSplit.of(log, SessionRules.DEFAULT, validation);
        new SplitExport(split, "tiny", log.size()).writeTo(dir);
    }

    @Test
    void trainingClicksComeOutPerUserInTheSharedOrderWithTheirSideFeatures() throws Exception {
        export(Validation.NONE);

        assertThat(lines(SplitExport.TRAIN))
                .containsExactly(
                        "user_id\titem_id\tcategory_id\tbrand_id\tshop_id\tevent_time",
                        "u1\ti0\t\t\t\t-600000",
                        "u1\ti1\tc1\tb1\t\t0",
                        "u1\ti2\t\t\t\t300000",
                        "u1\ti3\t\t\t\t1800000",
                        "u1\ti4\t\t\t\t1800000", // tied with i3, logged after it
                        "u2\tj1\t\t\t\t0",
                        "u3\tk1\t\t\t\t0");
    }

    @Test
    void testCasesCarryTheLabelAndEveryEarlierClickOldestFirst() throws Exception {
        export(Validation.NONE);

        assertThat(lines(SplitExport.TEST))
                .containsExactly(
                        "user_id\theld_out_items\tprior_items",
                        "u1\ti1\ti0 i1 i2 i3 i4", // a repeated item is still a held-out label
                        "u2\tj2\tj1");
        assertThat(lines(SplitExport.VALIDATION))
                .containsExactly("user_id\theld_out_items\tprior_items");
    }

    @Test
    void validationCasesLeaveTrainingButStayInTheTestInput() throws Exception {
        export(Validation.SECOND_TO_LAST);

        assertThat(lines(SplitExport.VALIDATION))
                .containsExactly("user_id\theld_out_items\tprior_items", "u1\ti4\ti0 i1 i2 i3");
        assertThat(lines(SplitExport.TEST)).contains("u1\ti1\ti0 i1 i2 i3 i4");
        assertThat(lines(SplitExport.TRAIN)).noneMatch(l -> l.startsWith("u1\ti4"));
    }

    @Test
    void candidatesAreTheTrainingItemsInFirstAppearanceOrderOfTheLog() throws Exception {
        export(Validation.NONE);

        assertThat(lines(SplitExport.ITEMS))
                .containsExactly(
                        "item_id\tcategory_id\tbrand_id\tshop_id\ttraining_clicks",
                        "i1\tc1\tb1\t\t1",
                        "j1\t\t\t\t1",
                        "i2\t\t\t\t1",
                        "i3\t\t\t\t1",
                        "k1\t\t\t\t1",
                        "i4\t\t\t\t1",
                        "i0\t\t\t\t1");
        assertThat(lines(SplitExport.USERS)).containsExactly("user_id\tage", "u1\t24");
    }

    @Test
    void protocolCountsMatchWhatResultsJsonReports() throws Exception {
        export(Validation.SECOND_TO_LAST);

        JsonNode json = new ObjectMapper().readTree(dir.resolve(SplitExport.PROTOCOL).toFile());
        assertThat(json.get("split").asText()).isEqualTo("leave-last-out");
        assertThat(json.get("dataset").asText()).isEqualTo("tiny");
        assertThat(json.get("clicks").asInt()).isEqualTo(9);
        assertThat(json.get("trainingClicks").asInt()).isEqualTo(6); // 9 - 2 test - 1 validation
        assertThat(json.get("evaluatedUsers").asInt()).isEqualTo(2);
        assertThat(json.get("skippedUsers").asInt()).isEqualTo(1);
        assertThat(json.get("validationCases").asInt()).isEqualTo(1);
        assertThat(json.get("candidateItems").asInt()).isEqualTo(6);
    }

    @Test
    void refusesItemIdsThatWouldBreakTheSpaceSeparatedLists() {
        LeaveLastOutSplit split =
                LeaveLastOutSplit.of(
                        List.of(click("u", "a b", 0), click("u", "c", 1)),
                        SessionRules.DEFAULT,
                        Validation.NONE);

        assertThatThrownBy(() -> new SplitExport(split, "bad", 2).writeTo(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a b'");
    }
}
