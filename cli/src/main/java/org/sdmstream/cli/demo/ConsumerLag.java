package org.sdmstream.cli.demo;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.sdmstream.local.flink.FlinkRestClient;

/**
 * The streaming job's consumer lag on its input topic: the records, summed over partitions, between
 * each partition's end and the position the job's Kafka source has reached.
 *
 * <p>The position comes from the source's own metrics ({@code
 * KafkaSourceReader.topic.T.partition.P.currentOffset}, the offset of the last record it emitted),
 * read through Flink's REST API. The offsets the source commits to its consumer group are the
 * fallback: Flink commits them only when a checkpoint completes, so they trail the source by up to
 * a checkpoint interval.
 */
final class ConsumerLag implements AutoCloseable {

    /** Where the source's position was read. */
    enum Basis {
        SOURCE_METRICS("source metrics"),
        COMMITTED_OFFSETS("committed offsets");

        final String label;

        Basis(String label) {
            this.label = label;
        }
    }

    /** One measurement: lag in records and where the position came from. */
    record Sample(long records, Basis basis) {}

    private static final Pattern CURRENT_OFFSET =
            Pattern.compile(
                    "\\.KafkaSourceReader\\.topic\\.(.+)\\.partition\\.(\\d+)\\.currentOffset$");

    private final String topic;
    private final String groupId;
    private final FlinkRestClient flink;
    private final String jobId;
    private final Admin admin;
    private List<TopicPartition> partitions;
    private String sourceVertex;

    ConsumerLag(
            String bootstrapServers,
            String topic,
            String groupId,
            FlinkRestClient flink,
            String jobId) {
        this.topic = topic;
        this.groupId = groupId;
        this.flink = flink;
        this.jobId = jobId;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.admin = Admin.create(p);
    }

    /**
     * Measures the lag now: from the source's metrics where every partition with records has one,
     * else from committed offsets.
     */
    Sample measure() throws IOException {
        Map<Integer, Long> start = offsets(OffsetSpec.earliest());
        Map<Integer, Long> end = offsets(OffsetSpec.latest());
        Map<Integer, Long> read = sourcePositions();
        if (coversEveryNonEmptyPartition(read, start, end)) {
            return new Sample(lag(start, end, read), Basis.SOURCE_METRICS);
        }
        return new Sample(lag(start, end, committedPositions()), Basis.COMMITTED_OFFSETS);
    }

    /**
     * Records not yet read, summed over the partitions of {@code end}: end minus position, where a
     * partition without a position counts from its first offset.
     */
    static long lag(Map<Integer, Long> start, Map<Integer, Long> end, Map<Integer, Long> position) {
        long total = 0;
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            long first = start.getOrDefault(e.getKey(), 0L);
            long next = Math.max(first, position.getOrDefault(e.getKey(), first));
            total += Math.max(0, e.getValue() - next);
        }
        return total;
    }

    /**
     * Partition → next offset to read, from {@code currentOffset} metric values (id → value) of
     * {@code topic}; -1 (registered, nothing emitted yet) and other topics are left out.
     */
    static Map<Integer, Long> positionsFromMetrics(
            String topic, Map<String, Double> currentOffsets) {
        Map<Integer, Long> out = new HashMap<>();
        currentOffsets.forEach(
                (id, value) -> {
                    Matcher m = CURRENT_OFFSET.matcher(id);
                    if (m.find() && m.group(1).equals(topic) && value >= 0) {
                        out.merge(Integer.parseInt(m.group(2)), value.longValue() + 1, Math::max);
                    }
                });
        return out;
    }

    static boolean coversEveryNonEmptyPartition(
            Map<Integer, Long> position, Map<Integer, Long> start, Map<Integer, Long> end) {
        return !end.isEmpty()
                && end.entrySet().stream()
                        .allMatch(
                                e ->
                                        position.containsKey(e.getKey())
                                                || e.getValue()
                                                        <= start.getOrDefault(e.getKey(), 0L));
    }

    /**
     * The source's positions from Flink's metrics; empty when the job or its metrics are not (or no
     * longer) there.
     */
    private Map<Integer, Long> sourcePositions() {
        try {
            if (sourceVertex == null) {
                sourceVertex = findSourceVertex();
                if (sourceVertex == null) {
                    return Map.of();
                }
            }
            List<String> ids = currentOffsetIds(flink.subtaskMetricIds(jobId, sourceVertex));
            return positionsFromMetrics(topic, flink.subtaskMetricSums(jobId, sourceVertex, ids));
        } catch (IOException e) {
            // The job has finished (the MiniCluster with it) or is restarting: committed offsets
            // tell the rest.
            return Map.of();
        }
    }

    /**
     * The vertex whose subtasks report the Kafka source's offsets for our topic, once the metric
     * fetcher has them.
     */
    private String findSourceVertex() throws IOException {
        for (String vertex : flink.vertices(jobId).keySet()) {
            if (!currentOffsetIds(flink.subtaskMetricIds(jobId, vertex)).isEmpty()) {
                return vertex;
            }
        }
        return null;
    }

    private List<String> currentOffsetIds(Collection<String> ids) {
        return ids.stream()
                .filter(
                        id -> {
                            Matcher m = CURRENT_OFFSET.matcher(id);
                            return m.find() && m.group(1).equals(topic);
                        })
                .toList();
    }

    private Map<Integer, Long> committedPositions() throws IOException {
        Map<TopicPartition, OffsetAndMetadata> committed =
                await(
                        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
                        "committed offsets of " + groupId);
        return committed.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    private Map<Integer, Long> offsets(OffsetSpec spec) throws IOException {
        if (partitions == null) {
            partitions =
                    await(
                                    admin.describeTopics(List.of(topic)).allTopicNames(),
                                    "partitions of " + topic)
                            .get(topic)
                            .partitions()
                            .stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
        }
        Map<TopicPartition, OffsetSpec> request =
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
        // read_committed: the end the source (read_committed) can reach, before any open
        // transaction.
        return await(
                        admin.listOffsets(
                                        request,
                                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                                .all(),
                        "offsets of " + topic)
                .entrySet()
                .stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what)
            throws IOException {
        try {
            return future.get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not read " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
