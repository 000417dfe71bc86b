package org.sdmstream.job;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.sdmstream.job.ingest.ClickRecordDeserializer;
import org.sdmstream.job.ingest.DecodedClick;

/**
 * Replays encoded Kafka values through the job's own deserializer, as a bounded test source (no
 * Kafka).
 */
public final class ReplayedClicks implements GeneratorFunction<Long, DecodedClick> {

    private static final long serialVersionUID = 1L;
    private final List<byte[]> values;
    private final ClickRecordDeserializer deserializer =
            new ClickRecordDeserializer(Duration.ofHours(1), 64);

    private ReplayedClicks(List<byte[]> values) {
        this.values = values;
    }

    /** A bounded source of the values, in order. */
    public static DataGeneratorSource<DecodedClick> source(List<byte[]> values) {
        return new DataGeneratorSource<>(
                new ReplayedClicks(values), values.size(), TypeInformation.of(DecodedClick.class));
    }

    @Override
    public DecodedClick map(Long i) {
        byte[] value = values.get(i.intValue());
        return deserializer.decode(
                new ConsumerRecord<>("clicks", 0, i, null, value), System.currentTimeMillis());
    }
}
