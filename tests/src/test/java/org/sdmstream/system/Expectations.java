package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sdmstream.features.ModelInput;
import org.sdmstream.job.records.FeatureRecords;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/** Asserts that the job's output is exactly the offline expectation: nothing lost, nothing duplicated, nothing changed. */
final class Expectations {

    private Expectations() {}

    static void assertExactlyOffline(List<SessionFeatures> output, List<ClickEvent> validClicksInLogOrder) {
        Map<String, List<ModelInput>> expected = ClickScript.expectedByUser(validClicksInLogOrder);
        Map<String, List<ModelInput>> actual = new LinkedHashMap<>();
        for (SessionFeatures f : output) {
            actual.computeIfAbsent(f.getUserId(), u -> new ArrayList<>()).add(FeatureRecords.toModelInput(f));
        }
        assertThat(output.stream().map(f -> f.getSessionId() + "#" + f.getPosition()).distinct().count())
                .as("distinct (session, position) in the output: no duplicates").isEqualTo(output.size());
        assertThat(output).as("records in the output").hasSize(ClickScript.count(expected));
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((user, inputs) -> assertThat(actual.get(user)).as("model inputs of " + user).isEqualTo(inputs));
    }
}
