package org.sdmstream.cli.sessions;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import org.sdmstream.cli.options.ClickLogOptions;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.cli.options.DurationConverter;
import org.sdmstream.cli.options.SessionRulesOptions;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.clicklog.ClickLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sdm sessions}: cuts a click log into sessions by the same rules as the streaming job and
 * writes one JSON object per session (JSON lines) with its clicks and long-term history.
 */
@Command(
        name = "sessions",
        sortOptions = false,
        description = {
            "Cuts a click log into sessions by the streaming job's rules and writes one JSON object per session:",
            "{\"userId\":..,\"sessionId\":..,\"start\":ms,\"end\":ms,\"items\":[..],\"longTerm\":[..]}",
            "(longTerm: item ids of the session's long-term history, oldest first).",
            "Users in order of first appearance, each user's sessions in time order."
        },
        mixinStandardHelpOptions = true)
public final class SessionsCommand implements Callable<Integer> {

    @Mixin CommonOptions console;

    @Mixin ClickLogOptions clickLog;

    @Mixin SessionRulesOptions sessionRules;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            order = 30,
            description =
                    "Write the JSON lines here instead of standard output (written to FILE.tmp, then moved).")
    Path output;

    @Override
    public Integer call() throws IOException {
        long started = System.nanoTime();
        SessionRules rules = sessionRules.rules();
        ClickLog log = clickLog.read(console);
        long read = System.nanoTime();

        Counts counts =
                output == null
                        ? writeTo(console.out(), log, rules)
                        : writeToFile(output, log, rules);
        long done = System.nanoTime();
        console.note(
                "%d users, %d sessions, %d clicks, %d bad rows; rules: gap %s, max %d clicks, horizon %s, "
                        + "history %d; read %.2f s, sessions %.2f s, total %.2f s%s",
                counts.users,
                counts.sessions,
                counts.clicks,
                log.badRows(),
                DurationConverter.format(rules.gap()),
                rules.maxSessionLength(),
                DurationConverter.format(rules.historyHorizon()),
                rules.maxHistoryLength(),
                (read - started) / 1e9,
                (done - read) / 1e9,
                (done - started) / 1e9,
                output == null ? "" : " -> " + output);
        return 0;
    }

    private static final class Counts {
        long users;
        long sessions;
        long clicks;
        String lastUser;
    }

    private Counts writeToFile(Path file, ClickLog log, SessionRules rules) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // A failed run must not leave a file that looks complete.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Counts counts;
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            counts = writeTo(w, log, rules);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return counts;
    }

    private static Counts writeTo(Writer target, ClickLog log, SessionRules rules)
            throws IOException {
        Counts counts = new Counts();
        Writer buffered =
                target instanceof BufferedWriter ? target : new BufferedWriter(target, 1 << 16);
        SessionJsonWriter json = new SessionJsonWriter(buffered);
        try {
            new OfflineSessionizer(rules)
                    .sessionize(
                            log.clicks(),
                            session -> {
                                try {
                                    json.write(session);
                                } catch (IOException e) {
                                    throw new UncheckedIOException("writing sessions failed", e);
                                }
                                counts.sessions++;
                                counts.clicks += session.length();
                                if (!session.userId().equals(counts.lastUser)) {
                                    counts.users++;
                                    counts.lastUser = session.userId();
                                }
                            });
        } finally {
            // Flush, never close: the target may be standard output.
            json.flush();
        }
        return counts;
    }
}
