package org.sdmstream.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sdmstream.features.clicklog.ClickLogPreset;
import org.sdmstream.model.retrieval.ExactInnerProductIndex;
import org.sdmstream.model.retrieval.Hits;
import org.sdmstream.model.retrieval.HnswInnerProductIndex;
import org.sdmstream.model.retrieval.HnswSettings;
import org.sdmstream.model.retrieval.InnerProductIndex;
import org.sdmstream.model.retrieval.ItemGraphFile;
import org.sdmstream.model.retrieval.IvfInnerProductIndex;

/**
 * The retrieval sweep of docs/benchmarks.md: one item table, the exact index as the reference, one
 * HNSW graph built once and searched with each of several search beams; per row recall@k against
 * exact, milliseconds per query (one thread, a batch of queries at a time as the job searches),
 * build seconds and bytes per item. A plain main rather than JMH, so that a graph that takes
 * minutes to build is built once for all beams; each beam is warmed up before it is timed.
 *
 * <pre>
 * java -cp $CP org.sdmstream.benchmarks.RetrievalSweep --table clustered --items 100000 \
 *     --beams 50,200,400,800 [--queries 256] [--k 50] [--max-connections 16] [--build-beam 100] \
 *     [--no-exact-timing] [--store FILE | --graph FILE] [--ivf-lists 1024 [--ivf-probes 8,32,128,all]]
 *     [--no-hnsw] [--user-vectors MODEL --dataset-dir DIR [--preset movielens]]
 * </pre>
 *
 * With {@code --store FILE} it also writes the graph there as {@code sdm index --kind hnsw} does
 * and opens it again as a restart would (fingerprint, checksum, mapping), timing both, and checks
 * that the stored graph finds the same items as the built one. With {@code --graph FILE} it opens a
 * graph stored before (by {@code sdm index --kind hnsw} or {@code --store}) instead of building
 * one.
 *
 * <p>With {@code --user-vectors MODEL} the queries are that model's user vectors over a real click
 * log, after {@code --queries} clicks drawn from it ({@link UserVectorQueries}): the job's own
 * queries rather than means of items.
 *
 * <p>{@code --table} is {@code gaussian}, {@code clustered} or a model's {@code
 * item_embeddings.tsv} (ItemTables).
 */
public final class RetrievalSweep {

    /** Every beam and the exact scan run at least this long before, and while, being timed. */
    static final long WARMUP_NANOS = 2_000_000_000L;

    static final long MEASURE_NANOS = 3_000_000_000L;

    private RetrievalSweep() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> a = Arguments.parse(args);
        String table = a.getOrDefault("table", "gaussian");
        int items = Integer.parseInt(a.getOrDefault("items", "100000"));
        int queryCount = Integer.parseInt(a.getOrDefault("queries", "256"));
        int k = Integer.parseInt(a.getOrDefault("k", "50"));
        int[] beams =
                Arrays.stream(a.getOrDefault("beams", "50,200,400,800").split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        HnswSettings settings =
                new HnswSettings(
                        Integer.parseInt(a.getOrDefault("max-connections", "16")),
                        Integer.parseInt(a.getOrDefault("build-beam", "100")),
                        beams[0]);
        boolean timeExact = !a.containsKey("no-exact-timing");

        System.out.printf("load average at start: %s%n", loadAverage());
        ItemTables.Workload workload = ItemTables.of(table, items, queryCount, 42);
        float[][] rows = workload.items();
        float[][] queries = workload.queries();
        String queryKind = "means of items";
        if (a.containsKey("user-vectors")) {
            if (!a.containsKey("dataset-dir")) {
                throw new IllegalArgumentException(
                        "--user-vectors MODEL needs --dataset-dir DIR, the click log it scores");
            }
            Path model = Path.of(a.get("user-vectors"));
            queries =
                    UserVectorQueries.of(
                            model,
                            Path.of(a.get("dataset-dir")),
                            ClickLogPreset.byName(a.getOrDefault("preset", "movielens")),
                            queryCount,
                            42);
            queryKind = "user vectors of " + model + " after random clicks";
            if (queries[0].length != rows[0].length) {
                throw new IllegalArgumentException(
                        model
                                + " scores vectors of width "
                                + queries[0].length
                                + ", the table's are "
                                + rows[0].length);
            }
        }
        System.out.printf(
                "table %s: %,d items x %d, %d queries (%s), top-%d, %s, %d cores, -Xmx %d MiB%n",
                workload.name(),
                rows.length,
                rows[0].length,
                queries.length,
                queryKind,
                k,
                settings,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);

        List<String> lines = new ArrayList<>();
        long started = System.nanoTime();
        ExactInnerProductIndex exact = new ExactInnerProductIndex(rows);
        double exactBuild = seconds(started);
        Hits[] truth = exact.search(queries, k, null);
        lines.add(
                row(
                        "exact",
                        "-",
                        1.0,
                        timeExact ? millisPerQuery(exact, queries, k) : Double.NaN,
                        exactBuild,
                        exact.bytes() / (double) rows.length));
        System.out.println(lines.get(lines.size() - 1));

        if (a.containsKey("ivf-lists")) {
            ivf(a, rows, queries, k, truth, lines);
        }
        if (a.containsKey("no-hnsw")) {
            print(lines, k);
            return;
        }

        started = System.nanoTime();
        HnswInnerProductIndex graph =
                a.containsKey("graph")
                        ? ItemGraphFile.open(Path.of(a.get("graph")), rows, settings)
                        : new HnswInnerProductIndex(rows, settings);
        double build = seconds(started);
        System.out.printf(
                "HNSW graph %s in %.1f s%n",
                a.containsKey("graph") ? "opened from " + a.get("graph") : "built", build);
        if (a.containsKey("store")) {
            store(Path.of(a.get("store")), graph, rows, queries, k);
        }
        for (int beam : beams) {
            HnswInnerProductIndex hnsw = graph.withSearchBeam(beam);
            lines.add(
                    row(
                            "hnsw",
                            Integer.toString(beam),
                            RetrievalBenchmark.recall(truth, hnsw.search(queries, k, null)),
                            millisPerQuery(hnsw, queries, k),
                            build,
                            hnsw.bytes() / (double) rows.length));
            System.out.println(lines.get(lines.size() - 1));
        }

        print(lines, k);
    }

    private static void print(List<String> lines, int k) throws IOException {
        System.out.println();
        System.out.printf(
                "| index | search beam / lists visited | recall@%d vs exact | ms/query | build (s) | bytes/item |%n",
                k);
        System.out.println("|---|---:|---:|---:|---:|---:|");
        lines.forEach(System.out::println);
        System.out.printf("load average at end: %s%n", loadAverage());
    }

    /**
     * Inverted lists with bounds ({@link IvfInnerProductIndex}): {@code --ivf-lists L[,L...]}
     * (k-means lists), each searched with every cap of {@code --ivf-probes P,...} ({@code all}:
     * uncapped, exact by its bound).
     */
    private static void ivf(
            Map<String, String> a,
            float[][] rows,
            float[][] queries,
            int k,
            Hits[] truth,
            List<String> lines) {
        String[] probes = a.getOrDefault("ivf-probes", "8,32,128,all").split(",");
        for (String listsText : a.get("ivf-lists").split(",")) {
            int lists = Integer.parseInt(listsText);
            long started = System.nanoTime();
            IvfInnerProductIndex index = IvfInnerProductIndex.build(rows, lists, 42);
            double build = seconds(started);
            System.out.printf("IVF with %d lists built in %.1f s%n", lists, build);
            for (String p : probes) {
                IvfInnerProductIndex capped =
                        p.equals("all") ? index : index.withMaxProbes(Integer.parseInt(p));
                lines.add(
                        row(
                                "ivf, " + lists + " lists",
                                p,
                                RetrievalBenchmark.recall(truth, capped.search(queries, k, null)),
                                millisPerQuery(capped, queries, k),
                                build,
                                capped.bytes() / (double) rows.length));
                System.out.println(lines.get(lines.size() - 1));
            }
        }
    }

    /** Writes the graph, opens it as a model load would, and checks it searches alike. */
    private static void store(
            Path file, HnswInnerProductIndex graph, float[][] rows, float[][] queries, int k) {
        long started = System.nanoTime();
        ItemGraphFile.write(file, graph);
        double written = seconds(started);
        started = System.nanoTime();
        HnswInnerProductIndex stored = ItemGraphFile.open(file, rows, graph.settings());
        double opened = seconds(started);
        Hits[] a = graph.search(queries, k, null);
        Hits[] b = stored.search(queries, k, null);
        boolean same = true;
        for (int q = 0; q < a.length; q++) {
            same &= Arrays.equals(a[q].items(), b[q].items());
        }
        System.out.printf(
                "stored graph %s: %,d bytes, written in %.2f s, opened (SHA-256 of the table, CRC-32C, "
                        + "mapped) in %.2f s; same top-%d as the built graph: %s%n",
                file, file.toFile().length(), written, opened, k, same);
    }

    /**
     * Searches the whole batch again and again: first unmeasured for {@link #WARMUP_NANOS} (JIT),
     * then for at least {@link #MEASURE_NANOS} and two batches; milliseconds per query.
     */
    static double millisPerQuery(InnerProductIndex index, float[][] queries, int k) {
        long until = System.nanoTime() + WARMUP_NANOS;
        do {
            index.search(queries, k, null);
        } while (System.nanoTime() < until);
        long started = System.nanoTime();
        int batches = 0;
        do {
            index.search(queries, k, null);
            batches++;
        } while (batches < 2 || System.nanoTime() - started < MEASURE_NANOS);
        return (System.nanoTime() - started) / 1e6 / ((double) batches * queries.length);
    }

    private static String row(
            String index,
            String beam,
            double recall,
            double millis,
            double buildSeconds,
            double bytesPerItem) {
        return String.format(
                "| %s | %s | %.3f | %s | %.2f | %.0f |",
                index,
                beam,
                recall,
                Double.isNaN(millis) ? "n/a" : String.format("%.3f", millis),
                buildSeconds,
                bytesPerItem);
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.exists(loadavg)
                ? String.join(" ", Arrays.copyOf(Files.readString(loadavg).split(" "), 3))
                : "n/a";
    }
}
