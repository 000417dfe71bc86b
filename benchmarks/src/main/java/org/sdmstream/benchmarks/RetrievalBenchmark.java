package org.sdmstream.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
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
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.retrieval.ExactInnerProductIndex;
import org.sdmstream.model.retrieval.Hits;
import org.sdmstream.model.retrieval.HnswInnerProductIndex;
import org.sdmstream.model.retrieval.InnerProductIndex;

/**
 * Top-50 retrieval for a batch of 256 user vectors (one scoring batch): the exact index against
 * Lucene's HNSW graph, over a model's item table ({@code
 * -Dsdm.bench.items=DIR/item_embeddings.tsv}) or a generated Gaussian table of {@code items} rows.
 * At setup it prints the build time, the memory per item and HNSW's recall@50 against exact for the
 * same queries ({@code [retrieval] ...}), the figures docs/benchmarks.md reports next to the
 * per-batch cost.
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
    static final int DIMENSION = 64;

    /** Rows of the generated table; ignored when sdm.bench.items names a model's table. */
    @Param({"10000", "100000", "1000000"})
    int items;

    @Param({"exact", "hnsw"})
    String index;

    private InnerProductIndex search;
    private float[][] queries;

    @Setup
    public void build() {
        String file = System.getProperty("sdm.bench.items");
        Random random = new Random(42);
        float[][] table =
                file != null
                        ? ItemEmbeddingsFile.read(Path.of(file)).vectors()
                        : gaussian(random, items, DIMENSION);
        queries = gaussian(random, BATCH, table[0].length);
        long started = System.nanoTime();
        search =
                index.equals("hnsw")
                        ? new HnswInnerProductIndex(table)
                        : new ExactInnerProductIndex(table);
        long buildMillis = (System.nanoTime() - started) / 1_000_000;
        String recall = "";
        if (search instanceof HnswInnerProductIndex) {
            recall =
                    String.format(
                            " recall@%d=%.4f",
                            K,
                            recall(
                                    new ExactInnerProductIndex(table).search(queries, K, null),
                                    search.search(queries, K, null)));
        }
        System.out.printf(
                "%n[retrieval] %s items=%d dim=%d build=%d ms bytes/item=%d%s%n",
                index,
                table.length,
                table[0].length,
                buildMillis,
                search.bytes() / table.length,
                recall);
    }

    @Benchmark
    public Hits[] top50ForABatch() {
        return search.search(queries, K, null);
    }

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

    private static float[][] gaussian(Random r, int n, int d) {
        float[][] m = new float[n][d];
        for (float[] row : m) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return m;
    }
}
