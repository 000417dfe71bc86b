package org.sdmstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@link ConsumerLag} turns the source's offset metrics and the topic's offsets into a lag. */
class ConsumerLagTest {

    private static final String PREFIX = "Source__clicks.KafkaSourceReader.topic.";

    @Test
    void positionIsTheOffsetAfterTheLastRecordTheSourceEmitted() {
        Map<Integer, Long> positions =
                ConsumerLag.positionsFromMetrics(
                        "sdm-clicks",
                        Map.of(
                                PREFIX + "sdm-clicks.partition.0.currentOffset", 41.0,
                                PREFIX + "sdm-clicks.partition.1.currentOffset", 0.0,
                                PREFIX + "sdm-clicks.partition.2.committedOffset", 9.0));
        assertThat(positions).containsOnly(Map.entry(0, 42L), Map.entry(1, 1L));
    }

    @Test
    void otherTopicsAndPartitionsWithNothingEmittedYetHaveNoPosition() {
        Map<Integer, Long> positions =
                ConsumerLag.positionsFromMetrics(
                        "clicks",
                        Map.of(
                                PREFIX + "clicks.partition.0.currentOffset", -1.0,
                                PREFIX + "clicks-old.partition.1.currentOffset", 7.0,
                                PREFIX + "other.clicks.partition.2.currentOffset", 7.0,
                                PREFIX + "clicks.partition.3.currentOffset", 5.0));
        assertThat(positions).containsOnly(Map.entry(3, 6L));
    }

    @Test
    void topicNamesWithDotsAreMatchedWhole() {
        assertThat(
                        ConsumerLag.positionsFromMetrics(
                                "sdm.clicks",
                                Map.of(
                                        "Source__clicks.KafkaSourceReader.topic.sdm.clicks.partition.12.currentOffset",
                                        99.0)))
                .containsOnly(Map.entry(12, 100L));
    }

    @Test
    void lagSumsEndMinusPositionOverPartitions() {
        Map<Integer, Long> start = Map.of(0, 0L, 1, 0L);
        Map<Integer, Long> end = Map.of(0, 100L, 1, 50L);
        assertThat(ConsumerLag.lag(start, end, Map.of(0, 90L, 1, 50L))).isEqualTo(10);
        assertThat(ConsumerLag.lag(start, end, Map.of(0, 100L, 1, 50L))).isZero();
    }

    @Test
    void aPartitionWithoutPositionCountsFromItsFirstOffset() {
        // Partition 1 was truncated by retention to start at 20: records before that cannot be
        // read.
        Map<Integer, Long> start = Map.of(0, 0L, 1, 20L);
        Map<Integer, Long> end = Map.of(0, 100L, 1, 50L);
        assertThat(ConsumerLag.lag(start, end, Map.of(0, 60L))).isEqualTo(40 + 30);
        assertThat(ConsumerLag.lag(start, end, Map.of(0, 60L, 1, 5L))).isEqualTo(40 + 30);
    }

    @Test
    void aPositionBeyondTheEndIsNoNegativeLag() {
        // The end offsets are read just before the metrics: the source may have moved past them
        // meanwhile.
        assertThat(ConsumerLag.lag(Map.of(0, 0L), Map.of(0, 10L), Map.of(0, 12L))).isZero();
    }

    @Test
    void metricsMustCoverEveryPartitionThatHasRecords() {
        Map<Integer, Long> start = Map.of(0, 0L, 1, 0L, 2, 7L);
        Map<Integer, Long> end = Map.of(0, 100L, 1, 50L, 2, 7L);
        assertThat(ConsumerLag.coversEveryNonEmptyPartition(Map.of(0, 1L, 1, 1L), start, end))
                .isTrue();
        assertThat(ConsumerLag.coversEveryNonEmptyPartition(Map.of(0, 1L), start, end)).isFalse();
        assertThat(ConsumerLag.coversEveryNonEmptyPartition(Map.of(), Map.of(), Map.of()))
                .isFalse();
    }
}
