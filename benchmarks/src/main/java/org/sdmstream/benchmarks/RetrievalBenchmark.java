package org.sdmstream.benchmarks;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sdmstream.model.retrieval.ExactInnerProductIndex;
import org.sdmstream.model.retrieval.Hits;
import org.sdmstream.model.retrieval.HnswInnerProductIndex;
import org.sdmstream.model.retrieval.HnswSettings;
import org.sdmstream.model.retrieval.InnerProductIndex;

/**
 * Top-50 retrieval for a batch of 256 user vectors (one scoring batch) under JMH: the exact index
 * against Lucene's HNSW graph with a given search beam, over a generated table ({@code table} =
 * {@code gaussian} or {@code clustered}, {@link ItemTables}) of {@code items} rows or a model's
 * {@code item_embeddings.tsv} ({@code table} = its path). At setup it prints the build time, the
 * memory per item and HNSW's recall@50 against exact for the same queries ({@code [retrieval]
 * ...}). Each beam rebuilds the graph; {@link RetrievalSweep} builds it once and sweeps the beams,
 * which is what docs/benchmarks.md reports.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class RetrievalBenchmark {

    static final int K = 50;
    static final int BATCH = 256;

    @Param({"gaussian", "clustered"})
    String table;

    /** Rows of a generated table; ignored for a model's table. */
    @Param({"10000", "100000"})
    int items;

    @Param({"exact", "hnsw"})
    String index;

    @Param({"200"})
    int searchBeam;

    private InnerProductIndex search;
    private float[][] queries;

    @Setup
    public void build() {
        ItemTables.Workload workload = ItemTables.of(table, items, BATCH, 42);
        float[][] rows = workload.items();
        queries = workload.queries();
        long started = System.nanoTime();
        search =
                index.equals("hnsw")
                        ? new HnswInnerProductIndex(
                                rows, HnswSettings.DEFAULTS.withSearchBeam(searchBeam))
                        : new ExactInnerProductIndex(rows);
        long buildMillis = (System.nanoTime() - started) / 1_000_000;
        String recall = "";
        if (search instanceof HnswInnerProductIndex) {
            recall =
                    String.format(
                            " recall@%d=%.4f",
                            K,
                            recall(
                                    new ExactInnerProductIndex(rows).search(queries, K, null),
                                    search.search(queries, K, null)));
        }
        System.out.printf(
                "%n[retrieval] %s %s items=%d dim=%d build=%d ms bytes/item=%d%s%n",
                table,
                index,
                rows.length,
                rows[0].length,
                buildMillis,
                search.bytes() / rows.length,
                recall);
    }

    @Benchmark
    public Hits[] top50ForABatch() {
        return search.search(queries, K, null);
    }

    /** The share of the exact top-k that the approximate results found. */
    static double recall(Hits[] exact, Hits[] approximate) {
        long found = 0;
        long total = 0;
        for (int q = 0; q < exact.length; q++) {
            Set<Integer> truth = new HashSet<>();
            Arrays.stream(exact[q].items()).forEach(truth::add);
            found += Arrays.stream(approximate[q].items()).filter(truth::contains).count();
            total += truth.size();
        }
        return (double) found / total;
    }
}
