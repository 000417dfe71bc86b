package org.sdmstream.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.sdmstream.cli.demo.DemoModel;
import org.sdmstream.cli.options.CommonOptions;
import org.sdmstream.cli.options.DurationConverter;
import org.sdmstream.cli.options.ReplayLogOptions;
import org.sdmstream.features.generate.GeneratorConfig;
import org.sdmstream.model.export.ModelMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sdm bench}: the end-to-end pipeline benchmark ({@link PipelineBenchmark}): sustained
 * clicks/s exactly-once and at-least-once, click-to-output latency at a fixed rate, checkpoint size
 * per user and memory, on a local broker and MiniCluster. A driver to run by hand, not a test.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Benchmarks the pipeline end to end on this machine: a local Kafka broker (child JVM) and the job on",
            "a MiniCluster with RocksDB. Pre-fills the clicks topic, measures sustained clicks/s (first to last",
            "output read with read_committed) exactly-once and at-least-once, then click-to-output latency at a",
            "fixed input rate (at-least-once), checkpoint size per user and memory. Prints a Markdown table.",
            "With --scoring, the same phases once per scoring model (by default the default-size and the small",
            "SDM). Generated clicks by default; --input/--dataset-dir replay a click log as sdm demo does."
        })
public final class BenchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--clicks",
            paramLabel = "N",
            defaultValue = "300000",
            description =
                    "Clicks pre-filled for the throughput phases (default: ${DEFAULT-VALUE}).")
    long clicks;

    @Option(
            names = "--users",
            paramLabel = "N",
            defaultValue = "10000",
            description = "Generated users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--items",
            paramLabel = "N",
            defaultValue = "20000",
            description = "Generated catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "2",
            description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            defaultValue = "2",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description =
                    "Checkpoint interval; exactly-once outputs become visible at each checkpoint "
                            + "(default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(
            names = "--latency-clicks",
            paramLabel = "N",
            defaultValue = "30000",
            description = "Clicks whose latency is measured (default: ${DEFAULT-VALUE}).")
    long latencyClicks;

    @Option(
            names = "--latency-rate",
            paramLabel = "CLICKS_PER_S",
            defaultValue = "0",
            description =
                    "Input rate of the latency phase; 0 = half the measured at-least-once maximum "
                            + "(default: ${DEFAULT-VALUE}).")
    double latencyRate;

    @Option(
            names = "--stall-timeout",
            paramLabel = "DURATION",
            defaultValue = "120s",
            converter = DurationConverter.class,
            description =
                    "Fail a phase when no output arrives for this long (default: ${DEFAULT-VALUE}).")
    Duration stallTimeout;

    @Option(
            names = "--compare-heap",
            description =
                    "Also run the at-least-once phase with the heap state backend (hashmap), to show what "
                            + "RocksDB costs in the same run.")
    boolean compareHeap;

    @Option(
            names = "--scoring",
            description =
                    "Also run the same job with SDM scoring on over the same clicks (scored/unscored ratio, "
                            + "scored latency), once per model: --model, else the SDMs of --model-size trained on "
                            + "the bench's clicks the first time and cached like the demo's.")
    boolean scoring;

    @Option(
            names = "--model-size",
            paramLabel = "SIZE",
            description =
                    "With --scoring: default (width 64, the shape sdm train produces), small (width 32, the "
                            + "demo's) or both, one after the other in the same run (default: both).")
    String modelSize;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "Exported SDM model for --scoring, instead of the trained ones.")
    Path model;

    @Mixin CommonOptions console;

    /**
     * A click log to replay instead of generated clicks (--input FILE, or --dataset-dir DIR with
     * --preset, as sdm demo); --users/--items/--seed then do not apply.
     */
    @Mixin ReplayLogOptions clickLog;

    @Option(
            names = "--log-passes",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "With --input/--dataset-dir: replay the log N times back to back, each pass a day after "
                            + "the one before in event time (the same users' next sessions), so that a short log "
                            + "is measured past the job's first seconds; --clicks still bounds the clicks "
                            + "measured (default: ${DEFAULT-VALUE}).")
    int logPasses;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            defaultValue = "0",
            description =
                    "With --scoring, also run the phase scored-top-k: the scored job at-least-once with "
                            + "retrieval.k=K (UserRecommendations for every vector), and report its ratio to "
                            + "the scored phase (default: ${DEFAULT-VALUE} = not).")
    int topK;

    @Option(
            names = "--warmup-clicks",
            paramLabel = "N",
            defaultValue = "100000",
            description =
                    "Clicks of an unmeasured at-least-once run before the measured phases of each job, so the "
                            + "JIT has compiled the hot paths (default: ${DEFAULT-VALUE}; 0 = none).")
    long warmupClicks;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "A job configuration key (README.md) for every job under test, "
                            + "e.g. --set kafka.producer.compression.type=none; repeatable.")
    Map<String, String> jobSettings;

    @Option(
            names = "--phases",
            paramLabel = "NAME",
            split = ",",
            description =
                    "Run only these phases (comma-separated; default: all): exactly-once, at-least-once, heap "
                            + "(with --compare-heap), latency, scored-at-least-once, scored-top-k (with --top-k), "
                            + "scored-exactly-once, scored-latency (with --scoring). A latency phase without its throughput phase needs --latency-rate.")
    List<String> phases;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description =
                    "Keep the broker data and checkpoints here (default: a temporary directory, deleted).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (clicks < 1
                || users < 1
                || items < 1
                || partitions < 1
                || parallelism < 1
                || latencyClicks < 1
                || latencyRate < 0) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--clicks, --users, --items, --partitions, --parallelism and --latency-clicks must be positive");
        }
        List<DemoModel.Size> sizes = modelSizes();
        BenchClicks source = clicks();
        List<BenchSettings.ScoringModel> models = new ArrayList<>();
        if (model != null) {
            models.add(
                    new BenchSettings.ScoringModel(
                            String.valueOf(model.getFileName()), widthOf(model), model));
        }
        for (DemoModel.Size size : sizes) {
            models.add(
                    new BenchSettings.ScoringModel(
                            size.label(),
                            size.width(),
                            source.model(size, spec.commandLine().getErr())));
        }
        BenchSettings settings;
        try {
            settings =
                    new BenchSettings(
                            clicks,
                            users,
                            items,
                            seed,
                            partitions,
                            parallelism,
                            checkpointInterval,
                            latencyClicks,
                            latencyRate,
                            stallTimeout,
                            compareHeap,
                            models,
                            Math.max(0, warmupClicks),
                            jobSettings == null ? Map.of() : jobSettings,
                            new LinkedHashSet<>(phases == null ? BenchSettings.PHASES : phases),
                            topK);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean temporary = workDir == null;
        Path dir =
                temporary
                        ? Files.createTempDirectory("sdm-bench-")
                        : Files.createDirectories(workDir);
        try {
            BenchReport report =
                    new PipelineBenchmark(settings, source, spec.commandLine().getErr()).run(dir);
            report.print(spec.commandLine().getOut());
            return 0;
        } finally {
            if (temporary) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /**
     * The sizes of the models to train for --scoring: none without it or with --model, else those
     * of --model-size (both by default).
     */
    List<DemoModel.Size> modelSizes() {
        if (modelSize != null && !scoring) {
            throw new ParameterException(spec.commandLine(), "--model-size needs --scoring");
        }
        if (model != null && !scoring) {
            throw new ParameterException(spec.commandLine(), "--model needs --scoring");
        }
        if (!scoring || model != null) {
            if (modelSize != null) {
                throw new ParameterException(
                        spec.commandLine(), "give --model or --model-size, not both");
            }
            return List.of();
        }
        try {
            return BenchSettings.modelSizes(modelSize == null ? "both" : modelSize);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The clicks to publish: the click log's, read now, or generated ones. */
    BenchClicks clicks() {
        if (!clickLog.given()) {
            if (logPasses != 1) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--log-passes needs a click log (--input or --dataset-dir)");
            }
            return BenchClicks.generated(
                    GeneratorConfig.defaults().withUsers(users).withItems(items).withSeed(seed));
        }
        try {
            return BenchClicks.log(
                    clickLog.clicksInEventTimeOrder(console), clickLog.describe(), logPasses);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The vector width a model's metadata records, 0 when it has none. */
    private static int widthOf(Path modelDir) {
        Path metadata = modelDir.resolve(ModelMetadata.FILE_NAME);
        return Files.isRegularFile(metadata) ? ModelMetadata.read(metadata).vectorSize() : 0;
    }
}
