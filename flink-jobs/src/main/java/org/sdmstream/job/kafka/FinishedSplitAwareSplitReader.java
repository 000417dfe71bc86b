package org.sdmstream.job.kafka;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.reader.KafkaPartitionSplitReader;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The Kafka connector's split reader, except that it ignores requests to pause or resume a split it
 * has already finished.
 *
 * <p>A bounded split finishes inside {@link #fetch()}: its partition reaches the stopping offset
 * and the consumer drops the partition. The source operator learns of that only when it takes the
 * fetch's records; until then its watermark alignment may still ask to pause the split, and the
 * consumer refuses a partition it no longer holds ("No current assignment for partition"), which
 * fails the task (FLINK-39728; flink-connector-kafka 5.0.0-2.2 lacks the fix). A finished split has
 * nothing left to read, so there is nothing to pause or resume.
 *
 * <p>The upstream fix filters against the consumer's assignment, which a subclass cannot reach.
 * Splits that were empty from the start (starting offset at the stopping one) leave the assignment
 * before a fetch reports them, but alignment never pauses them: a split is paused only once it has
 * emitted a watermark, and an empty split emits none.
 */
final class FinishedSplitAwareSplitReader extends KafkaPartitionSplitReader {

    // Only the fetcher thread calls fetch, handleSplitsChanges and pauseOrResumeSplits: no locking.
    private final Set<String> finished = new HashSet<>();

    FinishedSplitAwareSplitReader(
            Properties consumerProperties,
            SourceReaderContext context,
            KafkaSourceReaderMetrics metrics,
            String rackId) {
        super(consumerProperties, context, metrics, rackId);
    }

    @Override
    public RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> fetch() throws IOException {
        RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> records = super.fetch();
        finished.addAll(records.finishedSplits());
        return records;
    }

    @Override
    public void handleSplitsChanges(SplitsChange<KafkaPartitionSplit> change) {
        for (KafkaPartitionSplit split : change.splits()) {
            finished.remove(split.splitId());
        }
        super.handleSplitsChanges(change);
    }

    @Override
    public void pauseOrResumeSplits(
            Collection<KafkaPartitionSplit> toPause, Collection<KafkaPartitionSplit> toResume) {
        super.pauseOrResumeSplits(unfinished(toPause), unfinished(toResume));
    }

    private List<KafkaPartitionSplit> unfinished(Collection<KafkaPartitionSplit> splits) {
        return splits.stream().filter(s -> !finished.contains(s.splitId())).toList();
    }
}
