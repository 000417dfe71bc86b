package org.sdmstream.job;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.sdmstream.job.ingest.DecodedClick;
import org.sdmstream.job.scoring.ScoringOptions;

/**
 * Benchmark (run by hand, never a timed test): the job with scoring off from a synthetic bounded
 * source to discarding sinks, RocksDB state and checkpoints on, in a local MiniCluster.
 *
 * <pre>
 * java -cp ... org.sdmstream.job.SessionizerThroughput [clicks=2000000] [users=20000] [parallelism=2] [backend=rocksdb]
 * </pre>
 */
public final class SessionizerThroughput {

    public static void main(String[] args) throws Exception {
        Map<String, String> a =
                new java.util.HashMap<>(
                        Map.of(
                                "clicks",
                                "2000000",
                                "users",
                                "20000",
                                "parallelism",
                                "2",
                                "backend",
                                "rocksdb"));
        for (String arg : args) {
            a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        long clicks = Long.parseLong(a.get("clicks"));
        int users = Integer.parseInt(a.get("users"));
        JobConfig config =
                JobConfig.builder()
                        .set(JobOptions.PARALLELISM, Integer.parseInt(a.get("parallelism")))
                        .set(
                                JobOptions.STATE_BACKEND,
                                JobOptions.StateBackend.valueOf(
                                        a.get("backend").toUpperCase(Locale.ROOT)))
                        .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(10))
                        .set(
                                JobOptions.CHECKPOINT_DIR,
                                Files.createTempDirectory("sdm-bench").toUri().toString())
                        .set(ScoringOptions.ENABLED, ScoringOptions.Switch.FALSE)
                        .build();
        // 10 ms between clicks overall: a user clicks every users * 10 ms (200 s at 20,000 users).
        DataGeneratorSource<DecodedClick> source =
                new DataGeneratorSource<>(
                        new SyntheticClicks(users, TestClicks.T0, 10),
                        clicks,
                        TypeInformation.of(DecodedClick.class));
        UserInterestJob job =
                new UserInterestJob(
                        config,
                        source,
                        null,
                        new DiscardingSink<>(),
                        new DiscardingSink<>(),
                        new DiscardingSink<>());
        Configuration flink = new Configuration();
        flink.setString("taskmanager.memory.managed.size", "256m");
        long t0 = System.nanoTime();
        job.run(flink);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "%,d clicks, %,d users, p=%s, %s: %.1f s, %,.0f clicks/s%n",
                clicks, users, a.get("parallelism"), a.get("backend"), seconds, clicks / seconds);
    }

    private SessionizerThroughput() {}
}
