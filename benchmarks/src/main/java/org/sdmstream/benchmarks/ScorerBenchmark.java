package org.sdmstream.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.scoring.BatchScorer;
import org.sdmstream.model.scoring.IncrementalScorerOptions;
import org.sdmstream.model.scoring.IncrementalSdmScorer;
import org.sdmstream.model.scoring.ScorerOptions;
import org.sdmstream.model.scoring.SdmBatchScorer;

/**
 * The scorer alone, per call of {@code batch} clicks from {@link ClickWorkload} (of distinct users,
 * or in turns of {@code burst} clicks of one user) (the default SDM, width 64, unless {@code
 * -Dsdm.bench.model} names another): the full tower ({@link SdmBatchScorer}) against the step with
 * a warm state cache ({@link IncrementalSdmScorer}), with TF held to 1 intra-op / 1 inter-op thread
 * or left at its defaults. Time per call is the latency of a batch; users/s = batch / time per
 * call. Each thread setting needs its own JVM (TF pools), hence a fork per parameter combination.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ScorerBenchmark {

    /**
     * Users in the stream: the warm cache holds all of them (about 19 KB each at the default
     * sizes).
     */
    static final int USERS = 1_024;

    @Param({"full", "incremental"})
    public String scorer;

    @Param({"1", "8", "32", "128", "256"})
    public int batch;

    /**
     * "1/1": intra/inter-op threads 1 and 1 (per-session pools); "default": TF's process-wide
     * pools; "job": the streaming job's defaults (scoring.intra-op-threads 1, inter-op -1: ops run
     * in the calling thread).
     */
    @Param({"1/1", "default", "job"})
    public String threads;

    /**
     * Clicks of one user in a row in a call (1: distinct users); the incremental scorer steps them
     * or scores them by one prefix row, as {@link #bursts} says.
     */
    @Param({"1"})
    public int burst;

    /**
     * How the incremental scorer scores bursts ({@code IncrementalScorerOptions.Bursts}):
     * PREFIX_ROWS (the default: every burst of 3 steps or more), PLANNED (by cost), STEPPED.
     */
    @Param({"PREFIX_ROWS"})
    public String bursts;

    private BatchScorer model;
    private ClickWorkload workload;
    private long calls;
    private long cpuAtStart;
    private long callsAtStart;

    @Setup(Level.Trial)
    public void load() {
        ScorerOptions options =
                switch (threads) {
                    case "1/1" -> new ScorerOptions(1, 1, 256);
                    case "job" -> new ScorerOptions(1, -1, 256);
                    default -> new ScorerOptions(0, 0, 256);
                };
        workload = new ClickWorkload(USERS, 2_000, 7);
        if (scorer.equals("full")) {
            model = SdmBatchScorer.load(BenchmarkModel.directory(), options);
        } else {
            IncrementalSdmScorer incremental =
                    IncrementalSdmScorer.load(
                            BenchmarkModel.directory(),
                            new IncrementalScorerOptions(
                                            options, IncrementalScorerOptions.DEFAULT_CACHE_BYTES)
                                    .withBursts(IncrementalScorerOptions.Bursts.valueOf(bursts)));
            if (!incremental.incremental()) {
                throw new IllegalStateException("the benchmark model has no step signature");
            }
            // Steady state: every user's state carried (the cold rebuild of each user is paid
            // here).
            List<ModelInput> current = workload.current();
            for (int from = 0; from < current.size(); from += 256) {
                incremental.score(current.subList(from, Math.min(current.size(), from + 256)));
            }
            model = incremental;
        }
    }

    @Benchmark
    public float[][] score() {
        calls++;
        return model.score(workload.next(batch, burst));
    }

    /**
     * Process CPU time per call and per click (all threads: caller, TF pools, GC, JIT), printed per
     * iteration as "[cpu]": on a machine shared with other work, wall time per call mostly measures
     * the queue for a core, CPU time per click what the scorer itself costs.
     */
    @Setup(Level.Iteration)
    public void startIteration() {
        cpuAtStart = processCpuNanos();
        callsAtStart = calls;
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        long n = calls - callsAtStart;
        double usPerCall = (processCpuNanos() - cpuAtStart) / 1_000.0 / Math.max(1, n);
        System.out.printf(
                " [cpu] calls=%d cpu_us/call=%.1f cpu_us/click=%.2f users/cpu-s=%.0f ",
                n, usPerCall, usPerCall / batch, batch * 1e6 / usPerCall);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @TearDown(Level.Trial)
    public void close() {
        if (model instanceof IncrementalSdmScorer incremental) {
            IncrementalSdmScorer.Stats s = incremental.stats();
            // The carried state per user is what the scorer keeps between a user's clicks (LSTM
            // state, attention rows, accumulator, encoded session inputs), as the cache accounts
            // it.
            System.out.printf(
                    "%n[state] width=%d users=%d bytes=%d carried_bytes/user=%d steps=%d hits=%d"
                            + " rebuilds=%d prefix_runs=%d prefix_inputs=%d rounds=%d"
                            + " looked_up=%d inputs=%d%n",
                    incremental.dimension(),
                    s.cachedUsers(),
                    s.cachedBytes(),
                    s.cachedBytes() / Math.max(1, s.cachedUsers()),
                    s.steps(),
                    s.cacheHits(),
                    s.rebuilds(),
                    s.prefixRuns(),
                    s.prefixInputs(),
                    s.rounds(),
                    s.lookedUp(),
                    s.inputs());
        }
        model.close();
    }
}
