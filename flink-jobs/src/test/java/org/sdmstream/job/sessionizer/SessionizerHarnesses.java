package org.sdmstream.job.sessionizer;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/**
 * Opens {@link ClickSessionizer}s on Flink's keyed operator harness, run as the job runs them (by a
 * {@link SessionizerOperator}, pending clicks on the heap), for a test and closes them after it.
 */
abstract class SessionizerHarnesses {

    private final List<KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures>>
            open = new ArrayList<>();

    KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures> harness(
            OperatorSubtaskState restore, SessionizerSettings settings, StateBackend backend)
            throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures>(
                        new SessionizerOperator(new ClickSessionizer(settings)),
                        ClickEvent::getUserId,
                        Types.STRING);
        h.setStateBackend(backend);
        open.add(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /** Closes {@code h} after the test (for a harness built by hand). */
    void track(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures> h) {
        open.add(h);
    }

    /** Closes {@code h} now (e.g. before restoring its snapshot into a new harness). */
    void closeNow(KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures> h)
            throws Exception {
        open.remove(h);
        h.close();
    }

    @AfterEach
    void closeHarnesses() throws Exception {
        for (var h : open) {
            h.close();
        }
    }

    static void send(
            KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures> h,
            ClickEvent... clicks)
            throws Exception {
        for (ClickEvent c : clicks) {
            h.processElement(new StreamRecord<>(c, c.getEventTime().toEpochMilli()));
        }
    }
}
