package org.sdmstream.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.sdmstream.cli.demo.DemoModel;
import org.sdmstream.features.Click;
import org.sdmstream.features.generate.ClickGenerator;
import org.sdmstream.features.generate.GeneratorConfig;

/**
 * The clicks a bench run publishes: generated ones ({@link ClickGenerator}, endless) or a click
 * log's, in event-time order as {@code sdm demo} replays them. The job holds each click until the
 * watermark passes it, so every phase publishes a tail after the clicks it measures: more generated
 * clicks, or the last clicks of the log.
 */
final class BenchClicks {

    private final GeneratorConfig generator;
    private final List<Click> log;
    private final String description;

    private BenchClicks(GeneratorConfig generator, List<Click> log, String description) {
        this.generator = generator;
        this.log = log;
        this.description = description;
    }

    /** Generated clicks of this shape (its click limit is ignored). */
    static BenchClicks generated(GeneratorConfig generator) {
        return new BenchClicks(
                generator.withMaxClicks(0),
                null,
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
        if (inEventTimeOrder.size() < 2) {
            throw new IllegalArgumentException(
                    source + " has " + inEventTimeOrder.size() + " clicks: too few to measure");
        }
        return new BenchClicks(
                null,
                List.copyOf(inEventTimeOrder),
                String.format("%s (%,d clicks)", source, inEventTimeOrder.size()));
    }

    boolean generatedClicks() {
        return log == null;
    }

    /**
     * How many of {@code requested} clicks a phase can measure: all of them when generated; a log
     * at most its size less its tail.
     */
    long measured(long requested) {
        return log == null ? requested : Math.min(requested, log.size() - logTail());
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

    /**
     * The clicks of a phase, measured ones then the tail: {@code run} 0 is the pre-fill, 1 the
     * latency phase's fresh topic. Generated clicks come from seed + run (fresh users' clicks for
     * the latency phase); a log is replayed from its start each time (the latency phase runs a
     * fresh job with fresh state).
     */
    Iterator<Click> stream(int run) {
        if (log != null) {
            return log.iterator();
        }
        return new ClickGenerator(generator.withSeed(generator.seed() + run)).iterator();
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
