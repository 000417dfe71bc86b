package org.sdmstream.features;

import java.util.Map;
import java.util.Objects;

/**
 * A click as it enters the session rules: who, what, when, and the client's own session id (null
 * when the client SDK sends none). The profile holds optional user attributes such as age bucket or
 * gender; it is never null (empty when absent).
 */
public record Click(
        String userId, String clientSessionId, Behavior behavior, Map<String, String> profile) {

    public Click {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(behavior, "behavior");
        profile = profile == null ? Map.of() : profile;
    }

    public Click(String userId, String clientSessionId, Behavior behavior) {
        this(userId, clientSessionId, behavior, Map.of());
    }

    public long eventTime() {
        return behavior.eventTime();
    }
}
