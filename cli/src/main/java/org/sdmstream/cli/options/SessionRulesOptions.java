package org.sdmstream.cli.options;

import java.time.Duration;
import org.sdmstream.features.SessionRules;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The session rules as options, defaults from {@link SessionRules#DEFAULT} (10 min gap, 50 clicks,
 * 7 day horizon, 20 history items). Add with {@code @Mixin SessionRulesOptions}.
 */
public final class SessionRulesOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
            names = "--gap",
            order = 20,
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "10m",
            description =
                    "A gap of at least this much starts a new session unless the client session id is the same "
                            + "(default: ${DEFAULT-VALUE}).")
    Duration gap;

    @Option(
            names = "--max-session-length",
            order = 21,
            paramLabel = "N",
            defaultValue = "50",
            description =
                    "A session holds at most N clicks; the next one starts a new session (default: ${DEFAULT-VALUE}).")
    int maxSessionLength;

    @Option(
            names = "--horizon",
            order = 22,
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "7d",
            description =
                    "Long-term history reaches this far back from a session's start; equal client ids never "
                            + "bridge a longer gap (default: ${DEFAULT-VALUE}).")
    Duration horizon;

    @Option(
            names = "--max-history",
            order = 23,
            paramLabel = "N",
            defaultValue = "20",
            description =
                    "Long-term history keeps the N most recent clicks (default: ${DEFAULT-VALUE}).")
    int maxHistory;

    /** The rules; invalid combinations are usage errors. */
    public SessionRules rules() {
        try {
            return new SessionRules(gap, maxSessionLength, horizon, maxHistory);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage(), e);
        }
    }
}
