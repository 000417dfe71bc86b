package org.sdmstream.cli.publish;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.sdmstream.cli.kafka.ClickPublisher;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.cli.options.GeneratorOptions;
import org.sdmstream.cli.options.ReplayLogOptions;
import org.sdmstream.cli.options.WireFormatOptions;
import org.sdmstream.features.Click;
import org.sdmstream.local.KafkaTopics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sdm publish}: sends clicks from a click file (any format {@code sdm sessions} reads,
 * replayed in event-time order) or from the built-in generator to a Kafka topic of any cluster, in
 * one of the pipeline's wire formats ({@code --wire-format}: Avro single-object encoding or the
 * schema-registry format; key = user id).
 */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Sends clicks to a Kafka topic in the pipeline's wire format (key = user id; --wire-format single-object or registry):",
            "from a click file (--input/--dataset-dir, formats as for sdm sessions; replayed in event-time order)",
            "or from the built-in generator (--generate). A summary goes to standard error."
        })
public final class PublishCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin CommonOptions console;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,..]",
            required = true,
            order = 0,
            description = "The Kafka cluster.")
    String bootstrapServers;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            defaultValue = "clicks",
            order = 0,
            description = "The clicks topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Mixin ReplayLogOptions clickFile;

    @Option(
            names = "--generate",
            order = 19,
            description =
                    "Send generated clicks (see --users, --items, --seed) instead of a file's.")
    boolean generate;

    @Mixin GeneratorOptions generator;

    @Mixin WireFormatOptions wire;

    @Option(
            names = "--max-events",
            paramLabel = "N",
            defaultValue = "0",
            order = 23,
            description =
                    "Send at most N clicks; 0 = the whole file, or endless generated clicks until Ctrl-C "
                            + "(default: ${DEFAULT-VALUE}).")
    long maxEvents;

    @Option(
            names = "--speedup",
            paramLabel = "X",
            defaultValue = "0",
            order = 24,
            description =
                    "Pace the clicks so event time runs X times faster than wall time; 0 = no pacing "
                            + "(default: ${DEFAULT-VALUE}).")
    double speedUp;

    @Option(
            names = "--rate",
            paramLabel = "CLICKS_PER_S",
            defaultValue = "0",
            order = 25,
            description =
                    "At most this many clicks per second; 0 = no cap (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--producer-property",
            paramLabel = "KEY=VALUE",
            order = 26,
            description =
                    "A Kafka producer setting, e.g. security.protocol=SSL; repeatable. Overrides the defaults "
                            + "acks=all, enable.idempotence=true, linger.ms=5, compression.type=lz4.")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @Option(
            names = "--create-topic",
            paramLabel = "PARTITIONS",
            defaultValue = "0",
            order = 27,
            description =
                    "Create the topic with this many partitions (replication 1, kept forever) when it is "
                            + "missing; 0 = never create (default: ${DEFAULT-VALUE}).")
    int createPartitions;

    @Override
    public Integer call() throws Exception {
        if (generate == clickFile.given()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "give either --generate or a click file (--input FILE or --dataset-dir DIR)");
        }
        if (speedUp < 0 || rate < 0 || maxEvents < 0 || createPartitions < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--speedup, --rate, --max-events and --create-topic must not be negative");
        }
        Iterator<Click> clicks;
        String what;
        if (generate) {
            clicks = generator.clicks(maxEvents);
            what =
                    maxEvents > 0
                            ? String.format("%,d generated clicks (%s)", maxEvents, generator)
                            : "generated clicks until Ctrl-C (" + generator + ")";
        } else {
            List<Click> fromFile = clickFile.clicksInEventTimeOrder(console);
            clicks = fromFile.iterator();
            what =
                    String.format(
                            "%,d of the file's %,d clicks in event-time order",
                            maxEvents > 0 ? Math.min(maxEvents, fromFile.size()) : fromFile.size(),
                            fromFile.size());
        }
        if (createPartitions > 0) {
            if (!KafkaTopics.ensure(
                            bootstrapServers,
                            List.of(topic),
                            createPartitions,
                            KafkaTopics.KEEP_FOREVER)
                    .isEmpty()) {
                console.note("created topic %s with %d partitions", topic, createPartitions);
            }
        }
        console.note("sending %s to %s at %s", what, topic, bootstrapServers);
        return publish(clicks);
    }

    private int publish(Iterator<Click> clicks) throws IOException, InterruptedException {
        long started = System.nanoTime();
        try (ClickPublisher publisher =
                new ClickPublisher(bootstrapServers, topic, producerProperties, wire.settings())) {
            // Ctrl-C: stop sending, but flush what was sent and print the summary.
            CountDownLatch summarised = new CountDownLatch(1);
            Thread onCtrlC =
                    new Thread(
                            () -> {
                                publisher.stop();
                                try {
                                    summarised.await(30, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "sdm-publish-stop");
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            try {
                publisher.publish(
                        clicks,
                        maxEvents > 0 ? maxEvents : Long.MAX_VALUE,
                        speedUp,
                        rate,
                        ClickPublisher.ignore());
                double seconds = (System.nanoTime() - started) / 1e9;
                long ok = publisher.sent() - publisher.failed();
                // The summary is shown even with --quiet: it is the command's result.
                console.err()
                        .printf(
                                "sdm publish: %,d clicks sent to %s, %,d failed, in %.1f s (%,.0f clicks/s)%n",
                                ok,
                                topic,
                                publisher.failed(),
                                seconds,
                                publisher.sent() / Math.max(1e-9, seconds));
                console.err().flush();
            } finally {
                summarised.countDown();
                removeHook(onCtrlC);
            }
            if (publisher.failed() > 0) {
                throw new IOException(
                        publisher.failed()
                                + " clicks could not be sent; first failure: "
                                + publisher.firstFailure());
            }
            return 0;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and waits for this thread.
        }
    }
}
