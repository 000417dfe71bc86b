package org.sdmstream.cli.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.sdmstream.cli.kafka.KnownRecords;
import org.sdmstream.cli.kafka.RecordJson;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.cli.options.DurationConverter;
import org.sdmstream.cli.options.WireFormatOptions;
import org.sdmstream.wire.WireFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sdm tail}: reads one of the pipeline's topics from any Kafka cluster and prints each
 * record as a JSON line. The record type is found from the Avro single-object header's schema
 * fingerprint (or, with {@code --wire-format registry}, from the registered schema of the record's
 * schema id), so the same command reads user vectors, session features, clicks, late clicks and
 * dead letters.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prints the records of a pipeline topic as JSON lines on standard output:",
            "{\"topic\":..,\"partition\":..,\"offset\":..,\"timestamp\":ms,\"key\":..,\"type\":\"UserInterestVector\",\"value\":{..}}",
            "The type is recognised from the record's schema fingerprint (ClickEvent, SessionFeatures,",
            "UserInterestVector, DeadLetter); timestamps are epoch milliseconds, bytes base64. A record that",
            "does not decode is printed with \"type\":null, an \"error\" and its raw value (base64)."
        })
public final class TailCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

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
            defaultValue = "user-vectors",
            order = 1,
            description =
                    "The topic to read (default: ${DEFAULT-VALUE}); also session-features, clicks, "
                            + "clicks-dead-letters, clicks-late.")
    String topic;

    @Option(
            names = "--from-beginning",
            order = 2,
            description = "Start at the oldest record instead of the end of the topic.")
    boolean fromBeginning;

    @Option(
            names = "--max-records",
            paramLabel = "N",
            defaultValue = "0",
            order = 3,
            description = "Stop after N records; 0 = no limit (default: ${DEFAULT-VALUE}).")
    long maxRecords;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            order = 4,
            description =
                    "Stop when no record has arrived for this long, e.g. 10s (default: wait until "
                            + "Ctrl-C or --max-records).")
    Duration timeout;

    @Option(
            names = "--isolation",
            paramLabel = "LEVEL",
            defaultValue = "read_committed",
            order = 5,
            description =
                    "read_committed (only records of committed transactions, as downstream services see "
                            + "them) or read_uncommitted (default: ${DEFAULT-VALUE}).")
    String isolation;

    @Option(
            names = "--values-only",
            order = 6,
            description = "Print only the decoded record, without the envelope.")
    boolean valuesOnly;

    @Option(
            names = "--consumer-property",
            paramLabel = "KEY=VALUE",
            order = 7,
            description = "A Kafka consumer setting, e.g. security.protocol=SSL; repeatable.")
    Map<String, String> consumerProperties = new LinkedHashMap<>();

    @Mixin WireFormatOptions wire;

    @Override
    public Integer call() throws Exception {
        if (!isolation.equals("read_committed") && !isolation.equals("read_uncommitted")) {
            throw new ParameterException(
                    spec.commandLine(), "--isolation must be read_committed or read_uncommitted");
        }
        if (maxRecords < 0) {
            throw new ParameterException(spec.commandLine(), "--max-records must not be negative");
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putAll(consumerProperties);
        KnownRecords records = new KnownRecords(wire.settings());
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        long undecodable = 0;
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch flushed = new CountDownLatch(1);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer);
            // No consumer group: tail never moves anyone's committed offsets.
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            Thread onCtrlC =
                    new Thread(
                            () -> {
                                stopping.set(true);
                                consumer.wakeup();
                                try {
                                    flushed.await(10, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "sdm-tail-stop");
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            console.note(
                    "reading %s (%d partitions) at %s from the %s, %s",
                    topic,
                    partitions.size(),
                    bootstrapServers,
                    fromBeginning ? "beginning" : "end",
                    isolation);
            long lastRecord = System.nanoTime();
            try {
                while (maxRecords == 0 || printed < maxRecords) {
                    boolean any = false;
                    for (ConsumerRecord<byte[], byte[]> record :
                            consumer.poll(Duration.ofMillis(200))) {
                        any = true;
                        ObjectNode line = toJson(record, records);
                        if (line.get("type").isNull()) {
                            undecodable++;
                        }
                        out.println(
                                JSON.writeValueAsString(
                                        valuesOnly && !line.get("type").isNull()
                                                ? line.get("value")
                                                : line));
                        if (++printed == maxRecords) {
                            break;
                        }
                    }
                    out.flush();
                    if (any) {
                        lastRecord = System.nanoTime();
                    } else if (timeout != null
                            && System.nanoTime() - lastRecord >= timeout.toNanos()) {
                        break;
                    }
                }
            } catch (WakeupException e) {
                if (!stopping.get()) {
                    throw e;
                }
            } finally {
                out.flush();
                flushed.countDown();
                if (!stopping.get()) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(onCtrlC);
                    } catch (IllegalStateException shuttingDown) {
                        // The hook is running.
                    }
                }
            }
        }
        console.note("%,d records printed, %,d undecodable", printed, undecodable);
        return 0;
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException(
                    "topic '" + topic + "' does not exist at " + bootstrapServers);
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    /** The envelope of one record: where it is, its key, type and decoded value. */
    static ObjectNode toJson(ConsumerRecord<byte[], byte[]> record, KnownRecords records) {
        ObjectNode line = JSON.createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", record.timestamp());
        line.put(
                "key",
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        try {
            SpecificRecord value = records.decode(record.value());
            line.put("type", value.getSchema().getName());
            line.set("value", RecordJson.toJson(value));
        } catch (WireFormatException e) {
            line.putNull("type");
            line.put("error", e.getMessage());
            line.put(
                    "raw",
                    record.value() == null
                            ? null
                            : Base64.getEncoder().encodeToString(record.value()));
        }
        return line;
    }
}
