package org.sdmstream.job.sessionizer;

import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/**
 * Runs a {@link ClickSessionizer} with its pending buffers on the heap ({@link HeapPendingClicks}):
 * as every snapshot starts, before the keyed state backend takes it, the buffers that changed are
 * written into keyed state under their users' keys. A checkpoint or savepoint therefore holds the
 * same state as when every click was written through, and a restore, a rescale or a plain {@code
 * KeyedProcessOperator} running the same function reads it as before.
 */
public final class SessionizerOperator
        extends KeyedProcessOperator<String, ClickEvent, SessionFeatures> {

    private static final long serialVersionUID = 1L;

    private final ClickSessionizer sessionizer;

    public SessionizerOperator(ClickSessionizer sessionizer) {
        super(sessionizer.heapBuffered());
        this.sessionizer = sessionizer;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        Object key = getCurrentKey();
        sessionizer.writePendingToState(this::setCurrentKey);
        if (key != null) {
            setCurrentKey(key);
        }
        super.snapshotState(context);
    }
}
