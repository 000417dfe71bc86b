package org.sdmstream.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;

/**
 * Encoding one output record to its Kafka payload (byte[]): Avro's generic {@link
 * BinaryMessageEncoder} (what {@code AvroCodec.encode} did before) against {@link AvroCodec#encode}
 * with its hand-written writer, for a realistic {@link SessionFeatures} (10 session clicks, 20
 * history behaviours, 2 profile entries), a {@link UserInterestVector} (32 floats) and a {@link
 * ClickEvent}. Both sides return the same bytes.
 *
 * <p>Besides JMH's wall time, each iteration prints {@code [cpu] ns/op=…}: the benchmark thread's
 * own CPU time per call, which a machine shared with other work (queueing for a core) does not
 * inflate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 2,
        jvmArgsAppend = {
            "-Xmx512m",
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=org.sdmstream.records"
        })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EncodingBenchmark {

    private SessionFeatures features;
    private UserInterestVector vector;
    private ClickEvent click;

    private BinaryMessageEncoder<SessionFeatures> avroFeatures;
    private BinaryMessageEncoder<UserInterestVector> avroVector;
    private BinaryMessageEncoder<ClickEvent> avroClick;
    private AvroCodec<SessionFeatures> fastFeatures;
    private AvroCodec<UserInterestVector> fastVector;
    private AvroCodec<ClickEvent> fastClick;

    private long calls;
    private long callsAtStart;
    private long cpuAtStart;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        long start = 1_700_000_000_000L;
        Map<String, String> profile = new LinkedHashMap<>();
        profile.put("age", "25-34");
        profile.put("gender", "f");
        features =
                SessionFeatures.newBuilder()
                        .setUserId("u4711")
                        .setSessionId("u4711@" + start)
                        .setPosition(10)
                        .setSessionClicks(behaviors(r, 10, start))
                        .setHistory(behaviors(r, 20, start - 86_400_000L))
                        .setProfile(profile)
                        .setEventTime(Instant.ofEpochMilli(start + 600_000))
                        .setEmissionTime(Instant.ofEpochMilli(start + 600_042))
                        .build();
        List<Float> floats = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            floats.add((float) r.nextGaussian());
        }
        vector =
                UserInterestVector.newBuilder()
                        .setUserId("u4711")
                        .setVector(floats)
                        .setModelVersion("sdm-20261129-1200")
                        .setSessionId("u4711@" + start)
                        .setSessionLength(10)
                        .setLongTermLength(20)
                        .setEventTime(Instant.ofEpochMilli(start + 600_000))
                        .setEmissionTime(Instant.ofEpochMilli(start + 600_042))
                        .build();
        click =
                ClickEvent.newBuilder()
                        .setUserId("u4711")
                        .setItemId("i12345")
                        .setCategoryId("c123")
                        .setBrandId("b45")
                        .setShopId(null)
                        .setSessionId("sdk-9f3a")
                        .setEventTime(Instant.ofEpochMilli(start))
                        .setProfile(profile)
                        .build();

        avroFeatures = avro(SessionFeatures.class);
        avroVector = avro(UserInterestVector.class);
        avroClick = avro(ClickEvent.class);
        fastFeatures = AvroCodec.of(SessionFeatures.class);
        fastVector = AvroCodec.of(UserInterestVector.class);
        fastClick = AvroCodec.of(ClickEvent.class);
        if (!fastFeatures.fastEncoding()
                || !fastVector.fastEncoding()
                || !fastClick.fastEncoding()) {
            throw new IllegalStateException(
                    "AvroCodec fell back to the generic writer: schema drift?");
        }
        check(avroFeatures, fastFeatures, features);
        check(avroVector, fastVector, vector);
        check(avroClick, fastClick, click);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        callsAtStart = calls;
        cpuAtStart =
                java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        long cpu =
                java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                        - cpuAtStart;
        System.out.printf(" [cpu] ns/op=%.1f ", (double) cpu / Math.max(1, calls - callsAtStart));
    }

    private static List<BehaviorRecord> behaviors(SplittableRandom r, int n, long start) {
        List<BehaviorRecord> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(
                    new BehaviorRecord(
                            "i" + (10_000 + r.nextInt(90_000)),
                            "c" + r.nextInt(1_000),
                            r.nextInt(4) == 0 ? null : "b" + r.nextInt(500),
                            "s" + r.nextInt(2_000),
                            Instant.ofEpochMilli(start + i * 37_000L)));
        }
        return list;
    }

    private static <T extends SpecificRecord> BinaryMessageEncoder<T> avro(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        return new BinaryMessageEncoder<>(model, model.getSchema(type));
    }

    /** The old AvroCodec.encode: Avro's encoder, then a right-sized byte[] for Kafka. */
    private static <T> byte[] generic(BinaryMessageEncoder<T> encoder, T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T extends SpecificRecord> void check(
            BinaryMessageEncoder<T> avro, AvroCodec<T> fast, T record) {
        if (!java.util.Arrays.equals(generic(avro, record), fast.encode(record))) {
            throw new IllegalStateException(
                    "fast and Avro bytes differ for " + record.getClass().getSimpleName());
        }
        System.out.printf(
                "%n[size] %s: %d bytes%n",
                record.getClass().getSimpleName(), fast.encode(record).length);
    }

    @Benchmark
    public byte[] sessionFeaturesAvro() {
        calls++;
        return generic(avroFeatures, features);
    }

    @Benchmark
    public byte[] sessionFeaturesFast() {
        calls++;
        return fastFeatures.encode(features);
    }

    @Benchmark
    public byte[] userInterestVectorAvro() {
        calls++;
        return generic(avroVector, vector);
    }

    @Benchmark
    public byte[] userInterestVectorFast() {
        calls++;
        return fastVector.encode(vector);
    }

    @Benchmark
    public byte[] clickEventAvro() {
        calls++;
        return generic(avroClick, click);
    }

    @Benchmark
    public byte[] clickEventFast() {
        calls++;
        return fastClick.encode(click);
    }
}
