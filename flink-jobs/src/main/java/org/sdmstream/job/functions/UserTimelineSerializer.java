package org.sdmstream.job.functions;

import org.sdmstream.features.UserTimeline;
import org.sdmstream.job.sessionizer.StateFormatSnapshot;
import org.sdmstream.job.sessionizer.StateFormatV1;

/**
 * Holds the snapshot of the UserTimeline state under the class name that checkpoints and savepoints
 * have recorded since release 0.1; Flink finds a snapshot class by that name on restore, so it
 * stays here while the serializer itself lives in {@link
 * org.sdmstream.job.sessionizer.UserTimelineSerializer}.
 */
public final class UserTimelineSerializer {

    private UserTimelineSerializer() {}

    /**
     * What a checkpoint records about the UserTimeline state: its format version (see {@link
     * StateFormatSnapshot}).
     */
    public static final class Snapshot extends StateFormatSnapshot<UserTimeline> {

        /**
         * The current format (also what Flink instantiates before reading a snapshot's version).
         */
        public Snapshot() {
            this(CURRENT_FORMAT);
        }

        public Snapshot(int format) {
            super(
                    format,
                    "UserTimeline",
                    StateFormatV1.TimelineSerializer.INSTANCE,
                    org.sdmstream.job.sessionizer.UserTimelineSerializer.INSTANCE);
        }
    }
}
