package org.sdmstream.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
import org.sdmstream.features.encoding.Vocabulary;

/**
 * One vocabulary look-up of a fresh String (as the scorer gets them: deserialised from state at
 * every click, so the String's hash is not cached yet), through {@link Vocabulary#indexOf} (open
 * addressing) against the {@code HashMap<String, Integer>} it used before, in one run. {@code
 * freshStringOnly} is the cost of making the String and hashing it, which both pay: the look-up's
 * own cost is the difference.
 *
 * <p>{@code java -cp $CP org.openjdk.jmh.Main VocabularyBenchmark} (docs/benchmarks-scorer.md has
 * the class path); {@code -p size=20000,1000000}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class VocabularyBenchmark {

    /** Values in the vocabulary (the bench's and ml-100k's item tables: 20,000 and ~1,700). */
    @Param({"20000"})
    public int size;

    private Vocabulary vocabulary;
    private Map<String, Integer> hashMap;

    /** The probes' characters (90 % known values, 10 % unknown), copied into a fresh String. */
    private char[][] probes;

    private int next;

    @Setup
    public void setUp() {
        List<String> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add("item-" + (i * 7919L % 1_000_003L));
        }
        vocabulary = Vocabulary.of("items", values);
        hashMap = new HashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
            hashMap.put(values.get(i), Vocabulary.FIRST_VALUE + i);
        }
        SplittableRandom r = new SplittableRandom(42);
        probes = new char[1 << 16][];
        for (int i = 0; i < probes.length; i++) {
            String probe =
                    r.nextInt(10) == 0
                            ? "unseen-" + r.nextInt(1_000_000)
                            : values.get(r.nextInt(size));
            probes[i] = probe.toCharArray();
        }
    }

    private String freshProbe() {
        next = (next + 1) & (probes.length - 1);
        return new String(probes[next]);
    }

    @Benchmark
    public int freshStringOnly() {
        return freshProbe().hashCode();
    }

    @Benchmark
    public int hashMapOfIntegers() {
        Integer row = hashMap.get(freshProbe());
        return row == null ? Vocabulary.UNKNOWN : row;
    }

    @Benchmark
    public int vocabularyIndexOf() {
        return vocabulary.indexOf(freshProbe());
    }
}
