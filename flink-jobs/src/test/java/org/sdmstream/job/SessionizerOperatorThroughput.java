package org.sdmstream.job;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.sdmstream.job.sessionizer.ClickSessionizer;
import org.sdmstream.job.sessionizer.SessionizerSettings;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/**
 * Benchmark (run by hand): the sessionizer operator alone on one thread, no network, no Kafka, to
 * separate the cost of state access from the rest of the pipeline.
 *
 * <pre>
 * java -cp ... org.sdmstream.job.SessionizerOperatorThroughput [clicks] [users] [rocksdb|rocksdb-heap-timers|hashmap]
 * </pre>
 */
public final class SessionizerOperatorThroughput {

    public static void main(String[] args) throws Exception {
        long clicks = args.length > 0 ? Long.parseLong(args[0]) : 300_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        String kind = args.length > 2 ? args[2] : "rocksdb";
        StateBackend backend;
        if (kind.equals("hashmap")) {
            backend = new HashMapStateBackend();
        } else {
            EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
            // The harness's managed memory is tiny (RocksDB would flush constantly): use RocksDB's
            // own defaults.
            rocks.getMemoryConfiguration().setUseManagedMemory(false);
            if (kind.equals("rocksdb-heap-timers")) {
                rocks.setPriorityQueueStateType(
                        EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
            }
            backend = rocks;
        }
        SyntheticClicks generator = new SyntheticClicks(users, TestClicks.T0, 10);
        try (var h =
                new KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, SessionFeatures>(
                        new KeyedProcessOperator<>(
                                new ClickSessionizer(SessionizerSettings.defaults("clicks"))),
                        ClickEvent::getUserId,
                        Types.STRING)) {
            h.setStateBackend(backend);
            h.open();
            long emitted = 0;
            long t0 = System.nanoTime();
            for (long i = 0; i < clicks; i++) {
                ClickEvent c = generator.click(i);
                long time = c.getEventTime().toEpochMilli();
                h.processElement(new StreamRecord<>(c, time));
                if (i % 200 == 0) { // a watermark every 200 clicks (2 s of event time), 5 s behind
                    h.processWatermark(time - 5_000);
                    emitted +=
                            h.getOutput().stream().filter(o -> o instanceof StreamRecord).count();
                    h.getOutput().clear();
                }
            }
            h.processWatermark(Long.MAX_VALUE);
            emitted += h.getOutput().stream().filter(o -> o instanceof StreamRecord).count();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "operator only: %,d clicks (%,d emitted), %,d users, %s: %.1f s, %,.0f clicks/s%n",
                    clicks, emitted, users, kind, seconds, clicks / seconds);
        }
    }

    private SessionizerOperatorThroughput() {}
}
