package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.sdmstream.features.ModelInput;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/** Asserts that the job's output is exactly the offline expectation: nothing lost, nothing duplicated, nothing changed. */
final class Expectations {

    private Expectations() {}

    /** What was checked: record count, and the longest session and history seen. */
    record Checked(int records, int longestSession, int longestHistory) {}

    /**
     * Compares the output (decoded one record at a time, so a heavy user's tens of thousands of records
     * need not be held twice) with the offline replay of the valid clicks, per user in emission order.
     */
    static Checked assertExactlyOffline(List<ConsumerRecord<byte[], byte[]>> output, List<ClickEvent> validClicksInLogOrder) {
        Map<String, List<ModelInput>> expected = ClickScript.expectedByUser(validClicksInLogOrder);
        AvroCodec<SessionFeatures> codec = AvroCodec.of(SessionFeatures.class);
        Map<String, Integer> next = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int longestSession = 0;
        int longestHistory = 0;
        for (ConsumerRecord<byte[], byte[]> r : output) {
            SessionFeatures f = codec.decode(r.value());
            assertThat(seen.add(f.getSessionId() + "#" + f.getPosition()))
                    .as("duplicate output for %s position %d", f.getSessionId(), f.getPosition()).isTrue();
            List<ModelInput> userExpected = expected.get(f.getUserId());
            assertThat(userExpected).as("output for unexpected user %s", f.getUserId()).isNotNull();
            int i = next.merge(f.getUserId(), 1, Integer::sum) - 1;
            assertThat(i).as("more records than expected for %s", f.getUserId()).isLessThan(userExpected.size());
            assertThat(FeatureRecords.toModelInput(f)).as("record %d of %s", i, f.getUserId()).isEqualTo(userExpected.get(i));
            longestSession = Math.max(longestSession, f.getSessionClicks().size());
            longestHistory = Math.max(longestHistory, f.getHistory().size());
        }
        expected.forEach((user, inputs) ->
                assertThat(next.getOrDefault(user, 0)).as("records of %s", user).isEqualTo(inputs.size()));
        assertThat(output).hasSize(ClickScript.count(expected));
        return new Checked(output.size(), longestSession, longestHistory);
    }
}
