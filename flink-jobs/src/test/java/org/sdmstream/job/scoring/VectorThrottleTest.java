package org.sdmstream.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.job.TestClicks.T0;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sdmstream.records.SessionFeatures;

/** The per-user minimum interval between vectors, on the keyed harness with RocksDB state. */
class VectorThrottleTest {

    static final long S = 1_000;

    private final List<
                    KeyedOneInputStreamOperatorTestHarness<
                            String, SessionFeatures, SessionFeatures>>
            open = new ArrayList<>();

    KeyedOneInputStreamOperatorTestHarness<String, SessionFeatures, SessionFeatures> harness(
            OperatorSubtaskState restore) throws Exception {
        return harness(restore, new EmbeddedRocksDBStateBackend());
    }

    KeyedOneInputStreamOperatorTestHarness<String, SessionFeatures, SessionFeatures> harness(
            OperatorSubtaskState restore, StateBackend backend) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<
                        String, SessionFeatures, SessionFeatures>(
                        new KeyedProcessOperator<>(new VectorThrottle(Duration.ofSeconds(10))),
                        SessionFeatures::getUserId,
                        Types.STRING);
        h.setStateBackend(backend);
        open.add(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @AfterEach
    void close() throws Exception {
        for (var h : open) {
            h.close();
        }
    }

    static SessionFeatures input(String user, long secondsAfterT0) {
        long t = T0 + secondsAfterT0 * S;
        return SessionFeatures.newBuilder()
                .setUserId(user)
                .setSessionId(user + "@" + T0)
                .setPosition(1)
                .setSessionClicks(List.of())
                .setHistory(List.of())
                .setEventTime(Instant.ofEpochMilli(t))
                .setEmissionTime(Instant.ofEpochMilli(0))
                .build();
    }

    static void send(
            KeyedOneInputStreamOperatorTestHarness<String, SessionFeatures, SessionFeatures> h,
            SessionFeatures f)
            throws Exception {
        h.processElement(new StreamRecord<>(f, f.getEventTime().toEpochMilli()));
    }

    static List<String> emitted(
            KeyedOneInputStreamOperatorTestHarness<String, SessionFeatures, SessionFeatures> h) {
        return h.extractOutputValues().stream()
                .map(f -> f.getUserId() + "+" + (f.getEventTime().toEpochMilli() - T0) / S)
                .toList();
    }

    /**
     * A burst pattern: 0 passes; 3, 6 held (6 replaces 3); 12 sends 6 at 10 and is held; 25, 27
     * after the timer at 20.
     */
    static final long[] TIMES = {0, 3, 6, 12, 25, 27};

    static final List<String> EXPECTED = List.of("a+0", "a+6", "a+12", "a+27", "b+0");

    @Test
    void oneVectorPerIntervalAndTheNewestOfEveryBurstEventually() throws Exception {
        var h = harness(null, new HashMapStateBackend()); // counts its state entries
        for (long t : TIMES) {
            send(h, input("a", t));
            h.processWatermark(T0 + t * S);
        }
        send(h, input("b", 0));
        assertThat(emitted(h))
                .containsExactly("a+0", "a+6", "a+12", "b+0"); // 27 waits for event time 30
        h.processWatermark(T0 + 30 * S);
        assertThat(emitted(h)).containsExactly("a+0", "a+6", "a+12", "b+0", "a+27");
        h.processWatermark(T0 + 100 * S);
        assertThat(h.numKeyedStateEntries()).as("state freed after a quiet interval").isZero();
        send(h, input("a", 101));
        assertThat(emitted(h)).last().isEqualTo("a+101");
    }

    @Test
    void theOutputDependsOnEventTimesOnlyNotOnWhenWatermarksCome() throws Exception {
        var h = harness(null);
        for (long t : TIMES) {
            send(h, input("a", t));
        }
        send(h, input("b", 0));
        h.processWatermark(T0 + 100 * S);
        assertThat(emitted(h)).containsExactlyInAnyOrderElementsOf(EXPECTED);
    }

    @Test
    void aHeldInputSurvivesARestore() throws Exception {
        var h = harness(null);
        send(h, input("a", 0));
        send(h, input("a", 4));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        assertThat(emitted(h)).containsExactly("a+0");
        var restored = harness(snapshot);
        restored.processWatermark(T0 + 10 * S);
        assertThat(emitted(restored)).containsExactly("a+4");
    }
}
