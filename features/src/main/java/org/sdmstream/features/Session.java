package org.sdmstream.features;

import java.util.List;

/**
 * A session as the rules cut it: its clicks in order and the long-term history it started with
 * (oldest first). {@code sessionId} is the pipeline's id, unique per user (see {@link
 * UserTimeline#sessionId(String)}); the client's own session ids are not used as keys.
 */
public record Session(
        String userId,
        String sessionId,
        long start,
        long end,
        List<Behavior> clicks,
        List<Behavior> history) {

    public Session {
        clicks = List.copyOf(clicks);
        history = List.copyOf(history);
    }

    public int length() {
        return clicks.size();
    }
}
