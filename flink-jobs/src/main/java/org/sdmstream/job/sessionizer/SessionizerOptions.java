package org.sdmstream.job.sessionizer;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;

/**
 * Settings of the {@link ClickSessionizer}: the SDM paper's session rules, lateness, buffering and
 * state expiry.
 */
public final class SessionizerOptions {

    public static final ConfigOption<Duration> SESSION_GAP =
            key("session.gap")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "inactivity gap that ends a session (unless the client session id continues it)");

    public static final ConfigOption<Integer> SESSION_MAX_LENGTH =
            key("session.max-length")
                    .intType()
                    .defaultValue(50)
                    .withDescription(
                            "clicks per session at most; the next click starts a new session");

    public static final ConfigOption<Duration> HISTORY_HORIZON =
            key("history.horizon")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "long-term history window, and the longest gap a client session id bridges");

    public static final ConfigOption<Integer> HISTORY_MAX_LENGTH =
            key("history.max-length")
                    .intType()
                    .defaultValue(20)
                    .withDescription("most recent history behaviours kept");

    public static final ConfigOption<Duration> MAX_WAIT =
            key("watermark.max-wait")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "when positive, a click waiting for the watermark is applied anyway after this much "
                                    + "processing time; 0 = exact event-time order, as offline");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            key("lateness.allowed")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "how far behind the watermark a click may be and still be applied");

    public static final ConfigOption<Integer> MAX_PENDING_CLICKS =
            key("pending.max-clicks")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "per-user clicks waiting for the watermark in the compact buffer (read and written whole per "
                                    + "click); more spill to state keyed by event time (RocksDB: disk), none is refused");

    public static final ConfigOption<Integer> HEAP_PENDING_CLICKS =
            key("pending.heap-max-clicks")
                    .intType()
                    .defaultValue(50_000)
                    .withDescription(
                            "clicks (plus one per user) each sessionizer subtask keeps waiting for the watermark on the "
                                    + "heap, written to state only at checkpoints; users beyond it keep their buffer in "
                                    + "state, read and written per click; as many users whose buffer emptied are remembered as "
                                    + "having none in state, so their next click reads none; 0 = always in state");

    public static final ConfigOption<Duration> STATE_TTL =
            key("state.ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(37))
                    .withDescription(
                            "processing-time backstop behind the event-time expiry of a user's state: history.horizon "
                                    + "(7 d) + the longest outage after which a replay still finds every history (30 d); must exceed "
                                    + "history.horizon + lateness.allowed");

    public static final ConfigOption<Duration> EXPIRY_TIMER_RESOLUTION =
            key("state.expiry-timer-resolution")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription("expiry timers are rounded up to this");

    private SessionizerOptions() {}
}
