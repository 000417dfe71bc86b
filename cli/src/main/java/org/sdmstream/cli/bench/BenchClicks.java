package org.sdmstream.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.sdmstream.cli.demo.DemoModel;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.generate.ClickGenerator;
import org.sdmstream.features.generate.GeneratorConfig;

/**
 * The clicks a bench run publishes: generated ones ({@link ClickGenerator}, endless) or a click
 * log's, in event-time order as {@code sdm demo} replays them. The job holds each click until the
 * watermark passes it, so every phase publishes a tail after the clicks it measures: more generated
 * clicks, or the last clicks of the log.
 *
 * <p>A log may be replayed in several passes back to back ({@code --log-passes}): a log of 100,000
 * clicks is measured in a few seconds, and in a window that short a fresh job's start (its JIT
 * compiles and deoptimises for seconds) weighs as much as the steady state. Each pass is the log
 * again, later in event time by the log's span plus a day, so that every pass's sessions are new
 * sessions of the same user ids (client session ids get the pass number, so that a session id does
 * not join sessions of two passes). A user's history carries over only where their clicks fall
 * within the history horizon (7 days by default) of the pass boundary: on a log that spans months,
 * such as ml-100k, nearly every user starts each pass with an empty history, as in the first.
 */
final class BenchClicks {

    /** Event time between the last click of a pass and the first of the next. */
    static final Duration PASS_GAP = Duration.ofDays(1);

    private final GeneratorConfig generator;
    private final List<Click> log;
    private final int passes;
    private final String description;

    private BenchClicks(
            GeneratorConfig generator, List<Click> log, int passes, String description) {
        this.generator = generator;
        this.log = log;
        this.passes = passes;
        this.description = description;
    }

    /** Generated clicks of this shape (its click limit is ignored). */
    static BenchClicks generated(GeneratorConfig generator) {
        return new BenchClicks(
                generator.withMaxClicks(0),
                null,
                1,
                String.format(
                        "generated (%d users, %d items, seed %d)",
                        generator.users(), generator.items(), generator.seed()));
    }

    /**
     * A click log's clicks, in event-time order.
     *
     * @throws IllegalArgumentException when the log has too few clicks to measure any after its
     *     tail
     */
    static BenchClicks log(List<Click> inEventTimeOrder, String source) {
        return log(inEventTimeOrder, source, 1);
    }

    /**
     * A click log's clicks, in event-time order, replayed {@code passes} times back to back.
     *
     * @throws IllegalArgumentException when the log has too few clicks to measure any after its
     *     tail, or {@code passes} is below 1
     */
    static BenchClicks log(List<Click> inEventTimeOrder, String source, int passes) {
        if (inEventTimeOrder.size() < 2) {
            throw new IllegalArgumentException(
                    source + " has " + inEventTimeOrder.size() + " clicks: too few to measure");
        }
        if (passes < 1) {
            throw new IllegalArgumentException("--log-passes must be at least 1, not " + passes);
        }
        return new BenchClicks(
                null,
                List.copyOf(inEventTimeOrder),
                passes,
                passes == 1
                        ? String.format("%s (%,d clicks)", source, inEventTimeOrder.size())
                        : String.format(
                                "%s (%,d clicks, %d passes)",
                                source, inEventTimeOrder.size(), passes));
    }

    boolean generatedClicks() {
        return log == null;
    }

    /**
     * How many of {@code requested} clicks a phase can measure: all of them when generated; a log
     * at most its size less its tail.
     */
    long measured(long requested) {
        return log == null ? requested : Math.min(requested, logClicks() - logTail());
    }

    /**
     * Clicks published after the {@code measured} ones so that the watermark passes them:
     * generated, {@code max(5,000, 2 %)}; from a log, its last clicks, up to 5,000 (a twentieth of
     * a shorter log).
     */
    long tail(long measured) {
        return log == null ? Math.max(5_000, measured / 50) : logTail();
    }

    private long logTail() {
        return Math.max(1, Math.min(5_000, log.size() / 20));
    }

    private long logClicks() {
        return (long) log.size() * passes;
    }

    /**
     * The clicks of a phase, measured ones then the tail: {@code run} 0 is the pre-fill, 1 the
     * latency phase's fresh topic. Generated clicks come from seed + run (fresh users' clicks for
     * the latency phase); a log is replayed from its start each time, all its passes (the latency
     * phase runs a fresh job with fresh state).
     */
    Iterator<Click> stream(int run) {
        if (log == null) {
            return new ClickGenerator(generator.withSeed(generator.seed() + run)).iterator();
        }
        long shift =
                log.get(log.size() - 1).eventTime() - log.get(0).eventTime() + PASS_GAP.toMillis();
        return IntStream.range(0, passes)
                .boxed()
                .flatMap(pass -> log.stream().map(click -> inPass(click, pass, shift * pass)))
                .iterator();
    }

    private static Click inPass(Click click, int pass, long shiftMillis) {
        if (pass == 0) {
            return click;
        }
        Behavior b = click.behavior();
        return new Click(
                click.userId(),
                click.clientSessionId() == null ? null : click.clientSessionId() + "#" + pass,
                new Behavior(
                        b.itemId(),
                        b.categoryId(),
                        b.brandId(),
                        b.shopId(),
                        b.eventTime() + shiftMillis),
                click.profile());
    }

    /** The cached bench model of this size for these clicks (trained on them the first time). */
    Path model(DemoModel.Size size, PrintWriter err) throws IOException {
        return log == null
                ? DemoModel.forGenerated(generator, size, err)
                : DemoModel.forLog(log, size, err);
    }

    @Override
    public String toString() {
        return description;
    }
}
