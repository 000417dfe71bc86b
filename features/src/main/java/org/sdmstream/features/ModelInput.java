package org.sdmstream.features;

import java.util.List;
import java.util.Map;

/**
 * What the model sees after one click: the user's current session so far (the click included, at
 * most the session cap), the long-term history the session started with (oldest first, at most the
 * history length), and the profile. This is the record the stream emits per click and the record
 * training samples are cut from, so both sides compute features one way.
 */
public record ModelInput(
        String userId,
        String sessionId,
        List<Behavior> session,
        List<Behavior> history,
        Map<String, String> profile,
        long eventTime) {

    public ModelInput {
        session = List.copyOf(session);
        history = List.copyOf(history);
        profile = profile == null ? Map.of() : Map.copyOf(profile);
    }

    /** 1-based position of the triggering click in its session. */
    public int position() {
        return session.size();
    }

    /** The click that produced this input. */
    public Behavior lastClick() {
        return session.get(session.size() - 1);
    }
}
