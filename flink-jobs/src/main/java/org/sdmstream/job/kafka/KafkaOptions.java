package org.sdmstream.job.kafka;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Settings of the job's Kafka source and sinks: brokers, consumer group, topics and delivery. Any
 * other Kafka client setting passes through with the {@link #PRODUCER_PREFIX} / {@link
 * #CONSUMER_PREFIX} keys.
 */
public final class KafkaOptions {

    /** Where a fresh job starts reading. */
    public enum StartingOffsets {
        /** The group's committed offsets, else the earliest. */
        COMMITTED("committed"),
        EARLIEST("earliest"),
        LATEST("latest");

        private final String text;

        StartingOffsets(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * The sinks' delivery guarantees the job supports (Flink's NONE is not one: outputs must not be
     * lost).
     */
    public enum Delivery {
        EXACTLY_ONCE(DeliveryGuarantee.EXACTLY_ONCE),
        AT_LEAST_ONCE(DeliveryGuarantee.AT_LEAST_ONCE);

        private final DeliveryGuarantee guarantee;

        Delivery(DeliveryGuarantee guarantee) {
            this.guarantee = guarantee;
        }

        public DeliveryGuarantee guarantee() {
            return guarantee;
        }
    }

    /**
     * Keys with this prefix are Kafka producer settings for every sink (e.g.
     * kafka.producer.compression.type).
     */
    public static final String PRODUCER_PREFIX = "kafka.producer.";

    /**
     * Keys with this prefix are Kafka consumer settings for the click source (e.g.
     * kafka.consumer.fetch.min.bytes).
     */
    public static final String CONSUMER_PREFIX = "kafka.consumer.";

    /**
     * The job's producer defaults, which kafka.producer.* keys override. Outputs are large (a
     * session-features record is ~560 bytes) and repetitive: bigger batches and lz4 cut the
     * requests and bytes the brokers handle.
     */
    public static final Map<String, String> PRODUCER_DEFAULTS =
            Map.of(
                    "batch.size", "131072",
                    "linger.ms", "5",
                    "compression.type", "lz4");

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka brokers (source and sinks)");

    public static final ConfigOption<String> GROUP_ID =
            key("kafka.group-id")
                    .stringType()
                    .defaultValue("sdm-user-interest")
                    .withDescription(
                            "consumer group (offsets are committed on checkpoints, for monitoring)");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS =
            key("kafka.starting-offsets")
                    .enumType(StartingOffsets.class)
                    .defaultValue(StartingOffsets.COMMITTED)
                    .withDescription(
                            "where a fresh job starts: committed (group offsets, else earliest), earliest, latest");

    public static final ConfigOption<Boolean> BOUNDED =
            key("kafka.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "stop at the offsets that were latest at start (backfills, tests)");

    public static final ConfigOption<String> CLICKS_TOPIC =
            key("topic.clicks").stringType().defaultValue("clicks").withDescription("input topic");

    public static final ConfigOption<String> SESSION_FEATURES_TOPIC =
            key("topic.session-features")
                    .stringType()
                    .defaultValue("session-features")
                    .withDescription("per-click SessionFeatures output");

    public static final ConfigOption<String> DEAD_LETTERS_TOPIC =
            key("topic.dead-letters")
                    .stringType()
                    .defaultValue("clicks-dead-letters")
                    .withDescription("refused input");

    public static final ConfigOption<String> LATE_CLICKS_TOPIC =
            key("topic.late-clicks")
                    .stringType()
                    .defaultValue("clicks-late")
                    .withDescription("late clicks");

    public static final ConfigOption<String> USER_VECTORS_TOPIC =
            key("topic.user-vectors")
                    .stringType()
                    .defaultValue("user-vectors")
                    .withDescription("output topic of UserInterestVector records");

    public static final ConfigOption<String> LATEST_VECTORS_TOPIC =
            key("topic.latest-vectors")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "empty = off; else every vector also goes to this topic, keyed by"
                                    + " user id, for a topic with cleanup.policy=compact that keeps each user's newest vector (a"
                                    + " serving store bootstraps from it alone)");

    public static final ConfigOption<Delivery> DELIVERY_GUARANTEE =
            key("sink.delivery-guarantee")
                    .enumType(Delivery.class)
                    .defaultValue(Delivery.EXACTLY_ONCE)
                    .withDescription("EXACTLY_ONCE (Kafka transactions) or AT_LEAST_ONCE");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            key("sink.transactional-id-prefix")
                    .stringType()
                    .defaultValue("sdm-user-interest")
                    .withDescription(
                            "prefix of the sinks' transactional ids; unique per job on a cluster");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            key("sink.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "producer transaction.timeout.ms; above the checkpoint interval, at most 15 min");

    private KafkaOptions() {}
}
