package org.sdmstream.job.kafka;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.reader.KafkaRecordEmitter;
import org.apache.flink.connector.kafka.source.reader.KafkaSourceReader;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.connector.kafka.source.reader.fetcher.KafkaSourceFetcherManager;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.apache.flink.streaming.api.lineage.SourceLineageVertex;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.flink.util.function.SerializableSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@link KafkaSource} whose readers read with {@link PatchedKafkaSplitReader}: the connector's
 * reader without two races that failed the task (pausing a finished split under watermark
 * alignment, FLINK-39728; committing offsets after a stale wake-up).
 *
 * <p>Enumeration, splits, checkpoints and the offsets committed on checkpoint stay the connector's
 * own: everything but the reader is delegated to the wrapped source, and the reader is assembled as
 * {@link KafkaSource#createReader} assembles it, from the same consumer properties. Drop this class
 * once a connector release has both fixes.
 */
public final class PatchedKafkaSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>,
                ResultTypeQueryable<T>,
                LineageVertexProvider {

    private static final long serialVersionUID = 1L;

    private final KafkaSource<T> kafka;
    private final KafkaRecordDeserializationSchema<T> deserializer;
    private final Properties consumerProperties;
    private final SerializableSupplier<String> rackId; // null: none set

    @SuppressWarnings("unchecked")
    public PatchedKafkaSource(KafkaSource<T> kafka) {
        this.kafka = kafka;
        this.deserializer =
                (KafkaRecordDeserializationSchema<T>) field(kafka, "deserializationSchema");
        Properties props = new Properties();
        props.putAll((Properties) field(kafka, "props"));
        this.consumerProperties = props;
        this.rackId = (SerializableSupplier<String>) field(kafka, "rackIdSupplier");
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
            throws Exception {
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return context.metricGroup().addGroup("deserializer");
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return context.getUserCodeClassLoader();
                    }
                });
        KafkaSourceReaderMetrics metrics = new KafkaSourceReaderMetrics(context.metricGroup());
        FutureCompletingBlockingQueue<RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>>>
                elements = new FutureCompletingBlockingQueue<>();
        return new KafkaSourceReader<>(
                elements,
                new KafkaSourceFetcherManager(
                        elements, () -> splitReader(context, metrics), finished -> {}),
                new KafkaRecordEmitter<>(deserializer),
                readerConfiguration(),
                context,
                metrics);
    }

    /** The split reader each fetcher of {@link #createReader} reads with. */
    PatchedKafkaSplitReader splitReader(
            SourceReaderContext context, KafkaSourceReaderMetrics metrics) {
        return new PatchedKafkaSplitReader(
                consumerProperties, context, metrics, rackId == null ? null : rackId.get());
    }

    /** The consumer properties as the connector's builder completed them. */
    Properties consumerProperties() {
        Properties copy = new Properties();
        copy.putAll(consumerProperties);
        return copy;
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) {
        return kafka.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState checkpoint)
            throws Exception {
        return kafka.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return kafka.getProducedType();
    }

    @Override
    public SourceLineageVertex getLineageVertex() {
        return kafka.getLineageVertex();
    }

    // The reader's settings are the consumer properties, as KafkaSource passes them.
    private Configuration readerConfiguration() {
        Map<String, String> settings = new HashMap<>();
        consumerProperties
                .stringPropertyNames()
                .forEach(key -> settings.put(key, consumerProperties.getProperty(key)));
        return Configuration.fromMap(settings);
    }

    // The builder completes the consumer properties (deserializers, offset reset, client id
    // prefix, discovery off when bounded) and hands them, the deserializer and the rack only to
    // KafkaSource's private fields; reading those keeps this reader exactly as the connector's.
    private static Object field(KafkaSource<?> kafka, String name) {
        try {
            Field field = KafkaSource.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(kafka);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "flink-connector-kafka's KafkaSource has no field '"
                            + name
                            + "' any more; PatchedKafkaSource (workarounds for the connector's races) must"
                            + " follow the connector, or go if the connector has the fix",
                    e);
        }
    }
}
