package org.sdmstream.job.sessionizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.job.TestClicks.T0;
import static org.sdmstream.job.TestClicks.click;

import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.SessionRules;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/**
 * {@code watermark.max-wait}: a click waits for the watermark at most this long in processing time.
 */
class ClickSessionizerMaxWaitTest extends SessionizerHarnesses {

    static final SessionizerSettings BOUNDED =
            new SessionizerSettings(
                    SessionRules.DEFAULT,
                    Duration.ofMinutes(1),
                    500,
                    Duration.ofDays(8),
                    Duration.ofHours(1),
                    "clicks",
                    Duration.ofMillis(100));

    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures> harness(
            SessionizerSettings settings, OperatorSubtaskState restore) throws Exception {
        return harness(restore, settings, new EmbeddedRocksDBStateBackend());
    }

    @Test
    void aClickTheWatermarkDoesNotReachIsAppliedAfterTheMaximumWaitInEventTimeOrder()
            throws Exception {
        var h = harness(BOUNDED, null);
        h.setProcessingTime(1_000);
        send(h, click("u", "b", T0 + 2000), click("u", "a", T0 + 1000));
        h.setProcessingTime(1_099);
        assertThat(h.extractOutputValues()).as("still within the wait").isEmpty();

        h.setProcessingTime(1_100);
        List<SessionFeatures> out = h.extractOutputValues();
        assertThat(out)
                .extracting(f -> f.getEventTime().toEpochMilli())
                .containsExactly(T0 + 1000, T0 + 2000);
        assertThat(out).extracting(SessionFeatures::getPosition).containsExactly(1, 2);

        // The watermark catching up later re-applies nothing.
        h.processWatermark(T0 + 10_000);
        assertThat(h.extractOutputValues()).hasSize(2);
    }

    @Test
    void aClickArrivingAfterTheReleaseWithAnEarlierTimeIsLate() throws Exception {
        var h = harness(BOUNDED, null);
        h.setProcessingTime(1_000);
        send(h, click("u", "b", T0 + 2000));
        h.setProcessingTime(1_200);
        send(h, click("u", "a", T0 + 1000)); // ahead of the (absent) watermark, but older than the
        // applied click
        h.setProcessingTime(1_400);

        assertThat(h.extractOutputValues())
                .extracting(f -> f.getSessionClicks().get(0).getItemId())
                .containsExactly("b");
        assertThat(h.getSideOutput(ClickSessionizer.LATE_CLICKS))
                .extracting(r -> r.getValue().getItemId())
                .containsExactly("a");
    }

    @Test
    void whenTheWatermarkComesFirstTheTimerFindsNothingToDo() throws Exception {
        var h = harness(BOUNDED, null);
        h.setProcessingTime(1_000);
        send(h, click("u", "a", T0 + 1000), click("u", "b", T0 + 5000));
        h.processWatermark(T0 + 1000);
        assertThat(h.extractOutputValues()).hasSize(1);
        h.setProcessingTime(2_000); // "b" has waited long enough now
        assertThat(h.extractOutputValues())
                .extracting(SessionFeatures::getPosition)
                .containsExactly(1, 2);
        h.processWatermark(T0 + 60_000);
        assertThat(h.extractOutputValues()).hasSize(2);
    }

    @Test
    void thePendingWaitSurvivesARestore() throws Exception {
        var first = harness(BOUNDED, null);
        first.setProcessingTime(1_000);
        send(first, click("u", "a", T0 + 1000));
        OperatorSubtaskState snapshot = first.snapshot(1, 1_050);
        closeNow(first);

        var second = harness(BOUNDED, snapshot);
        second.setProcessingTime(1_100);
        assertThat(second.extractOutputValues())
                .extracting(SessionFeatures::getPosition)
                .containsExactly(1);
    }

    @Test
    void withoutAMaximumWaitProcessingTimeReleasesNothing() throws Exception {
        var h = harness(ClickSessionizerTest.SETTINGS, null);
        h.setProcessingTime(1_000);
        send(h, click("u", "a", T0 + 1000));
        h.setProcessingTime(1_000_000);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(T0 + 1000);
        assertThat(h.extractOutputValues()).hasSize(1);
    }
}
