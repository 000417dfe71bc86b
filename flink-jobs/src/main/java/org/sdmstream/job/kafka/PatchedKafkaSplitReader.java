package org.sdmstream.job.kafka;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.reader.KafkaPartitionSplitReader;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The Kafka connector's split reader (flink-connector-kafka 5.0.0-2.2) with two of its races
 * closed; each failed the source task, and the job restarted from its last checkpoint.
 *
 * <p><b>Pausing a finished split</b> (FLINK-39728, fixed upstream after this release). A bounded
 * split finishes inside {@link #fetch()}: its partition reaches the stopping offset and the
 * consumer drops the partition. The source operator learns of that only when it takes the fetch's
 * records; until then its watermark alignment may still ask to pause the split, and the consumer
 * refuses a partition it no longer holds ("No current assignment for partition"). A finished split
 * has nothing left to read, so requests for it are dropped. The upstream fix filters against the
 * consumer's assignment, which a subclass cannot reach. Splits that were empty from the start
 * (starting offset at the stopping one) leave the assignment before a fetch reports them, but
 * alignment never pauses them: a split is paused only once it has emitted a watermark, and an empty
 * split emits none.
 *
 * <p><b>Committing offsets after a wake-up.</b> The fetcher wakes the consumer up when it hands the
 * reader new splits, a pause or resume, or a shutdown; a wake-up that lands after the poll has
 * returned stays pending, and the next consumer call that polls with wake-ups enabled throws it.
 * The offset commit of a completed checkpoint is such a call right after a coordinator lookup has
 * failed (at start, or after the group coordinator moved): it waits for a metadata update. The
 * connector retries {@code position} and {@code committed} once on a {@link WakeupException}, but
 * not this commit. It is retried the same way: the exception consumed the pending wake-up, and the
 * first attempt had committed nothing yet.
 */
final class PatchedKafkaSplitReader extends KafkaPartitionSplitReader {

    // Only the fetcher thread calls fetch, handleSplitsChanges and pauseOrResumeSplits: no locking.
    private final Set<String> finished = new HashSet<>();

    PatchedKafkaSplitReader(
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

    @Override
    public void notifyCheckpointComplete(
            Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        try {
            super.notifyCheckpointComplete(offsets, callback);
        } catch (WakeupException staleWakeUp) {
            super.notifyCheckpointComplete(offsets, callback);
        }
    }

    private List<KafkaPartitionSplit> unfinished(Collection<KafkaPartitionSplit> splits) {
        return splits.stream().filter(s -> !finished.contains(s.splitId())).toList();
    }
}
