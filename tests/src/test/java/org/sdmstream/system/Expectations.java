package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.sdmstream.features.ModelInput;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.model.scoring.ScorerOptions;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;

/**
 * Asserts that the job's output is exactly the offline expectation: nothing lost, nothing
 * duplicated, nothing changed.
 */
final class Expectations {

    private Expectations() {}

    /**
     * The offline scorer (full tower, one thread) that the scoring job's vectors are compared with.
     */
    static SdmScorer offlineScorer(Path model) {
        return SdmScorer.load(model, new ScorerOptions(1, 1, 256));
    }

    /** What was checked: record count, and the longest session and history seen. */
    record Checked(int records, int longestSession, int longestHistory) {}

    /**
     * Compares the output (decoded one record at a time, so a heavy user's tens of thousands of
     * records need not be held twice) with the offline replay of the valid clicks, per user in
     * emission order.
     */
    static Checked assertExactlyOffline(
            List<ConsumerRecord<byte[], byte[]>> output, List<ClickEvent> validClicksInLogOrder) {
        Map<String, List<ModelInput>> expected = ClickScript.expectedByUser(validClicksInLogOrder);
        AvroCodec<SessionFeatures> codec = AvroCodec.of(SessionFeatures.class);
        Map<String, Integer> next = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int longestSession = 0;
        int longestHistory = 0;
        for (ConsumerRecord<byte[], byte[]> r : output) {
            SessionFeatures f = codec.decode(r.value());
            assertThat(seen.add(f.getSessionId() + "#" + f.getPosition()))
                    .as("duplicate output for %s position %d", f.getSessionId(), f.getPosition())
                    .isTrue();
            List<ModelInput> userExpected = expected.get(f.getUserId());
            assertThat(userExpected).as("output for unexpected user %s", f.getUserId()).isNotNull();
            int i = next.merge(f.getUserId(), 1, Integer::sum) - 1;
            assertThat(i)
                    .as("more records than expected for %s", f.getUserId())
                    .isLessThan(userExpected.size());
            assertThat(FeatureRecords.toModelInput(f))
                    .as("record %d of %s", i, f.getUserId())
                    .isEqualTo(userExpected.get(i));
            longestSession = Math.max(longestSession, f.getSessionClicks().size());
            longestHistory = Math.max(longestHistory, f.getHistory().size());
        }
        expected.forEach(
                (user, inputs) ->
                        assertThat(next.getOrDefault(user, 0))
                                .as("records of %s", user)
                                .isEqualTo(inputs.size()));
        assertThat(output).hasSize(ClickScript.count(expected));
        return new Checked(output.size(), longestSession, longestHistory);
    }

    /**
     * The scoring job's output is exactly one vector per click the offline replay emits, per user
     * in click order, with the replay's session id, lengths and event time, each within 1e-5 of
     * {@code scorer}'s vector for the same model input.
     */
    static void assertVectorsExactlyOffline(
            List<UserInterestVector> output,
            List<ClickEvent> validClicksInLogOrder,
            SdmScorer scorer) {
        Map<String, List<ModelInput>> expected = ClickScript.expectedByUser(validClicksInLogOrder);
        Map<String, List<UserInterestVector>> byUser = new HashMap<>();
        output.forEach(
                v ->
                        byUser.computeIfAbsent(v.getUserId(), u -> new java.util.ArrayList<>())
                                .add(v));
        assertThat(byUser.keySet())
                .as("users with vectors")
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach(
                (user, inputs) -> {
                    List<UserInterestVector> actual = byUser.get(user);
                    assertThat(actual)
                            .as("vectors of %s, none lost or duplicated", user)
                            .hasSize(inputs.size());
                    float[][] offline = scorer.userVectors(inputs);
                    for (int k = 0; k < inputs.size(); k++) {
                        ModelInput in = inputs.get(k);
                        UserInterestVector v = actual.get(k);
                        String what = user + " click " + k;
                        assertThat(v.getEventTime().toEpochMilli())
                                .as(what)
                                .isEqualTo(in.eventTime());
                        assertThat(v.getSessionId()).as(what).isEqualTo(in.sessionId());
                        assertThat(v.getSessionLength()).as(what).isEqualTo(in.session().size());
                        assertThat(v.getLongTermLength()).as(what).isEqualTo(in.history().size());
                        assertThat(FeatureRecords.vectorOf(v))
                                .as(what)
                                .containsExactly(offline[k], within(1e-5f));
                    }
                });
    }
}
