package org.sdmstream.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.ingest.DecodedClick;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.records.ClickEvent;

/**
 * Benchmark (run by hand, never a timed test): the same job with scoring off, on with
 * micro-batches, and on with batches of one, from a synthetic bounded source to discarding sinks,
 * RocksDB and checkpoints on, in a local MiniCluster. Without {@code model=DIR} it first trains and
 * exports a small SDM ({@code width} wide) on synthetic clicks.
 *
 * <pre>
 * java -cp ... org.sdmstream.job.ScoringThroughput [clicks=300000] [users=20000] [parallelism=2] [width=32] [model=DIR] [batch=256]
 * </pre>
 */
public final class ScoringThroughput {

    public static void main(String[] args) throws Exception {
        Map<String, String> a =
                new HashMap<>(
                        Map.of(
                                "clicks",
                                "300000",
                                "users",
                                "20000",
                                "parallelism",
                                "2",
                                "width",
                                "32",
                                "batch",
                                "256"));
        for (String arg : args) {
            a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        long clicks = Long.parseLong(a.get("clicks"));
        int users = Integer.parseInt(a.get("users"));
        SyntheticClicks generator = new SyntheticClicks(users, TestClicks.T0, 10);
        String model = a.get("model");
        if (model == null) {
            List<ClickEvent> training = new ArrayList<>();
            for (long i = 0; i < 50_000; i++) {
                training.add(generator.click(i));
            }
            long t = System.nanoTime();
            model =
                    TinyModel.export(
                                    training,
                                    SessionRules.DEFAULT,
                                    Files.createTempDirectory("sdm-bench-model").resolve("m"),
                                    "bench",
                                    Integer.parseInt(a.get("width")))
                            .toString();
            System.out.printf(
                    "trained and exported a width-%s model in %.1f s%n",
                    a.get("width"), (System.nanoTime() - t) / 1e9);
        }
        JobConfig.Builder off =
                JobConfig.builder().set(ScoringOptions.ENABLED, ScoringOptions.Switch.FALSE);
        run("scoring off", a, clicks, generator, off);
        run(
                "scoring on, batch " + a.get("batch"),
                a,
                clicks,
                generator,
                JobConfig.builder()
                        .set(ScoringOptions.MODEL_DIR, model)
                        .set(ScoringOptions.BATCH_MAX_SIZE, Integer.parseInt(a.get("batch"))));
        run(
                "scoring on, batch 1",
                a,
                clicks,
                generator,
                JobConfig.builder()
                        .set(ScoringOptions.MODEL_DIR, model)
                        .set(ScoringOptions.BATCH_MAX_SIZE, 1));
    }

    static void run(
            String label,
            Map<String, String> a,
            long clicks,
            SyntheticClicks generator,
            JobConfig.Builder scoring)
            throws Exception {
        Path checkpoints = Files.createTempDirectory("sdm-bench");
        JobConfig config =
                scoring.set(JobOptions.PARALLELISM, Integer.parseInt(a.get("parallelism")))
                        .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(10))
                        .set(JobOptions.CHECKPOINT_DIR, checkpoints.toUri().toString())
                        .build();
        DataGeneratorSource<DecodedClick> source =
                new DataGeneratorSource<>(
                        generator, clicks, TypeInformation.of(DecodedClick.class));
        UserInterestJob job =
                new UserInterestJob(
                        config,
                        source,
                        new DiscardingSink<>(),
                        new DiscardingSink<>(),
                        new DiscardingSink<>(),
                        new DiscardingSink<>());
        Configuration flink = new Configuration();
        flink.setString("taskmanager.memory.managed.size", "256m");
        long t0 = System.nanoTime();
        job.run(flink);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "%-24s %,d clicks, %,d users, p=%s: %.1f s, %,.0f clicks/s%n",
                label,
                clicks,
                a.get("users") == null ? 0 : Integer.parseInt(a.get("users")),
                a.get("parallelism"),
                seconds,
                clicks / seconds);
    }

    private ScoringThroughput() {}
}
