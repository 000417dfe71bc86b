package org.sdmstream.job.functions;

import org.sdmstream.job.sessionizer.PendingClicks;
import org.sdmstream.job.sessionizer.StateFormatSnapshot;
import org.sdmstream.job.sessionizer.StateFormatV1;

/**
 * Holds the snapshot of the pending-clicks state under the class name that checkpoints and
 * savepoints have recorded since release 0.1; Flink finds a snapshot class by that name on restore,
 * so it stays here while the serializer itself lives in {@link
 * org.sdmstream.job.sessionizer.PendingClicksSerializer}.
 */
public final class PendingClicksSerializer {

    private PendingClicksSerializer() {}

    /**
     * What a checkpoint records about the pending-clicks state: its format version (see {@link
     * StateFormatSnapshot}).
     */
    public static final class Snapshot extends StateFormatSnapshot<PendingClicks> {

        /**
         * The current format (also what Flink instantiates before reading a snapshot's version).
         */
        public Snapshot() {
            this(CURRENT_FORMAT);
        }

        public Snapshot(int format) {
            super(
                    format,
                    "pending-clicks",
                    StateFormatV1.PendingSerializer.INSTANCE,
                    org.sdmstream.job.sessionizer.PendingClicksSerializer.INSTANCE);
        }
    }
}
