package org.sdmstream.job.kafka;

import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.UserInterestJob;
import org.sdmstream.job.ingest.ClickRecordDeserializer;
import org.sdmstream.job.ingest.ClickValidator;
import org.sdmstream.job.ingest.DecodedClick;
import org.sdmstream.job.ingest.IngestOptions;
import org.sdmstream.job.retrieval.RetrievalOptions;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.records.UserRecommendations;
import org.sdmstream.wire.ReleasedSchemas;

/**
 * Builds the Kafka source and sinks of the streaming job from its {@link JobConfig}; the only place
 * that knows Kafka.
 */
public final class KafkaConnectors {

    private KafkaConnectors() {}

    /**
     * The streaming job reading and writing the configured Kafka topics: user vectors when scoring
     * is on, session features when {@code output.session-features} is on, recommendations when
     * {@code retrieval.k} > 0.
     */
    public static UserInterestJob userInterestJob(JobConfig config) {
        UserInterestJob job =
                new UserInterestJob(
                        config,
                        clickSource(config),
                        config.scoringEnabled() ? userVectorSink(config) : null,
                        config.writesSessionFeatures() ? sessionFeatureSink(config) : null,
                        deadLetterSink(config),
                        lateClickSink(config),
                        config.recommends() ? recommendationsSink(config) : null);
        return config.scoringEnabled() && config.writesLatestVectors()
                ? job.withLatestVectors(latestVectorSink(config))
                : job;
    }

    /**
     * Every vector again, keyed by user id, into the topic of each user's newest vector ({@code
     * topic.latest-vectors}, created with {@code cleanup.policy=compact}: Kafka keeps the last
     * record per key).
     */
    public static KafkaSink<UserInterestVector> latestVectorSink(JobConfig config) {
        // The same records as the per-click stream, so the same wire format.
        return sink(
                config,
                AvroKafkaSerializer.keyedBy(
                                config.get(KafkaOptions.LATEST_VECTORS_TOPIC),
                                UserInterestVector.class,
                                UserInterestVector::getUserId)
                        .inFormat(WireOptions.settings(config, WireOptions.USER_VECTORS)),
                "latest-vectors");
    }

    /**
     * User interest vectors keyed by user id, so a user's vectors stay in order in one partition.
     */
    public static KafkaSink<UserInterestVector> userVectorSink(JobConfig config) {
        return sink(
                config,
                AvroKafkaSerializer.keyedBy(
                                config.get(KafkaOptions.USER_VECTORS_TOPIC),
                                UserInterestVector.class,
                                UserInterestVector::getUserId)
                        .inFormat(WireOptions.settings(config, WireOptions.USER_VECTORS)),
                "vectors");
    }

    /** Recommendations keyed by user id, like the vectors they were searched for. */
    public static KafkaSink<UserRecommendations> recommendationsSink(JobConfig config) {
        return sink(
                config,
                AvroKafkaSerializer.keyedBy(
                                config.get(RetrievalOptions.RECOMMENDATIONS_TOPIC),
                                UserRecommendations.class,
                                UserRecommendations::getUserId)
                        .inFormat(WireOptions.settings(config, WireOptions.RECOMMENDATIONS)),
                "recommendations");
    }

    public static KafkaSink<SessionFeatures> sessionFeatureSink(JobConfig config) {
        return sink(
                config,
                AvroKafkaSerializer.keyedBy(
                                config.get(KafkaOptions.SESSION_FEATURES_TOPIC),
                                SessionFeatures.class,
                                SessionFeatures::getUserId)
                        .inFormat(WireOptions.settings(config, WireOptions.SESSION_FEATURES)),
                "features");
    }

    public static KafkaSink<DeadLetter> deadLetterSink(JobConfig config) {
        return sink(
                config,
                AvroKafkaSerializer.keyedByBytes(
                                config.get(KafkaOptions.DEAD_LETTERS_TOPIC),
                                DeadLetter.class,
                                d -> d.getKey() == null ? null : bytes(d.getKey()))
                        .inFormat(WireOptions.settings(config, WireOptions.DEAD_LETTERS)),
                "dead-letters");
    }

    public static KafkaSink<ClickEvent> lateClickSink(JobConfig config) {
        return sink(
                config,
                AvroKafkaSerializer.keyedBy(
                                config.get(KafkaOptions.LATE_CLICKS_TOPIC),
                                ClickEvent.class,
                                ClickEvent::getUserId)
                        .inFormat(WireOptions.settings(config, WireOptions.LATE_CLICKS)),
                "late");
    }

    /**
     * Clicks, decoded and validated in the source so watermarks are generated per partition;
     * single-object clicks may be written with any released ClickEvent version, registry clicks
     * with any registered one. The Kafka source, with readers patched for two of the connector's
     * races ({@link PatchedKafkaSource}).
     */
    public static PatchedKafkaSource<DecodedClick> clickSource(JobConfig config) {
        KafkaSourceBuilder<DecodedClick> builder =
                KafkaSource.<DecodedClick>builder()
                        .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                        .setTopics(config.get(KafkaOptions.CLICKS_TOPIC))
                        .setGroupId(config.get(KafkaOptions.GROUP_ID))
                        .setStartingOffsets(
                                switch (config.get(KafkaOptions.STARTING_OFFSETS)) {
                                    case EARLIEST -> OffsetsInitializer.earliest();
                                    case LATEST -> OffsetsInitializer.latest();
                                    case COMMITTED ->
                                            OffsetsInitializer.committedOffsets(
                                                    OffsetResetStrategy.EARLIEST);
                                })
                        .setDeserializer(clickDeserializer(config));
        config.consumerProperties().forEach(builder::setProperty);
        builder
                // Only committed clicks: an aborted producer transaction must not create sessions.
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (config.get(KafkaOptions.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return new PatchedKafkaSource<>(builder.build());
    }

    /**
     * The click source's decoder: the topic's wire format, and every released ClickEvent version
     * for single-object.
     */
    public static ClickRecordDeserializer clickDeserializer(JobConfig config) {
        return new ClickRecordDeserializer(
                new ClickValidator(
                        config.get(IngestOptions.MAX_FUTURE),
                        config.get(IngestOptions.MAX_ID_LENGTH)),
                ReleasedSchemas.olderThanCurrent(ClickEvent.class).stream()
                        .map(Schema::toString)
                        .toList(),
                WireOptions.settings(config, WireOptions.CLICKS),
                config.get(KafkaOptions.CLICKS_TOPIC));
    }

    /**
     * A sink with the configured delivery guarantee; {@code role} keeps each sink's transactional
     * ids apart.
     */
    public static <T extends SpecificRecord> KafkaSink<T> sink(
            JobConfig config, AvroKafkaSerializer<T> serializer, String role) {
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder();
        config.producerProperties().forEach(builder::setProperty);
        return builder.setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(config.get(KafkaOptions.DELIVERY_GUARANTEE).guarantee())
                .setTransactionalIdPrefix(
                        config.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX) + "-" + role)
                // Flink's default (1 h) exceeds the broker's transaction.max.timeout.ms (15 min):
                // the producer would be refused.
                .setProperty(
                        "transaction.timeout.ms",
                        Long.toString(config.get(KafkaOptions.TRANSACTION_TIMEOUT).toMillis()))
                .build();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
