package org.sdmstream.cli.options;

import java.util.Iterator;
import org.sdmstream.features.Click;
import org.sdmstream.features.generate.ClickGenerator;
import org.sdmstream.features.generate.GeneratorConfig;
import picocli.CommandLine.Option;

/**
 * The size and seed of the built-in click generator ({@link ClickGenerator}). Add with
 * {@code @Mixin}.
 */
public final class GeneratorOptions {

    @Option(
            names = "--users",
            paramLabel = "N",
            defaultValue = "1000",
            order = 20,
            description = "Generated users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--items",
            paramLabel = "N",
            defaultValue = "5000",
            order = 21,
            description = "Generated catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            defaultValue = "42",
            order = 22,
            description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    public int users() {
        return users;
    }

    /** Generated clicks in event-time order, at most {@code maxClicks}. */
    public Iterator<Click> clicks(long maxClicks) {
        return new ClickGenerator(config().withMaxClicks(maxClicks)).iterator();
    }

    /** The generator's shape (users, items, seed; endless). */
    public GeneratorConfig config() {
        return GeneratorConfig.defaults().withUsers(users).withItems(items).withSeed(seed);
    }

    @Override
    public String toString() {
        return users + " users, " + items + " items, seed " + seed;
    }
}
