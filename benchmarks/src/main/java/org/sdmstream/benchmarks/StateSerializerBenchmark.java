package org.sdmstream.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
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
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;
import org.sdmstream.job.sessionizer.PendingClicks;
import org.sdmstream.job.sessionizer.PendingClicksSerializer;
import org.sdmstream.job.sessionizer.StateFormatV1;
import org.sdmstream.job.sessionizer.UserTimelineSerializer;

/**
 * The sessionizer's state serializers alone, state format v1 (release 0.1, {@link StateFormatV1})
 * against the current v2, on a realistic value: a {@code timeline} of 20 history + 10 session
 * clicks with a 2-entry profile, or the {@code pending} buffer of 3 clicks of one user. One {@code
 * roundTrip} is what the RocksDB backend does per state access pair: serialize into a reused
 * buffer, deserialize from bytes.
 *
 * <p>{@code callSites}: in the job, Flink's {@code StringValue} (v1's string codec) also serves the
 * String keys, network records and snapshots, through several {@code DataInputView}/{@code
 * DataOutputView} classes, so its per-character {@code readUnsignedByte}/{@code write} calls are
 * megamorphic (not inlined). {@code megamorphic} reproduces that by running both formats over three
 * view classes before measuring; {@code monomorphic} is the idealised microbenchmark where only
 * {@code DataInputDeserializer} is ever seen.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx256m"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class StateSerializerBenchmark {

    @Param({"v1", "v2"})
    public String format;

    @Param({"timeline", "pending"})
    public String value;

    @Param({"megamorphic", "monomorphic"})
    public String callSites;

    private TypeSerializer<Object> serializer;
    private Object state;
    private byte[] bytes;
    private final DataOutputSerializer out = new DataOutputSerializer(1024);
    private final DataInputDeserializer in = new DataInputDeserializer();

    // CPU time of the benchmark thread per call: on a shared, overloaded machine wall time mostly
    // measures the queue for a core; the thread's own CPU time does not.
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long calls;
    private long callsAtStart;
    private long cpuAtStart;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws IOException {
        boolean v1 = format.equals("v1");
        if (value.equals("timeline")) {
            state = timeline();
            serializer =
                    (TypeSerializer<Object>)
                            (TypeSerializer<?>)
                                    (v1
                                            ? StateFormatV1.TimelineSerializer.INSTANCE
                                            : UserTimelineSerializer.INSTANCE);
        } else {
            state = pending();
            serializer =
                    (TypeSerializer<Object>)
                            (TypeSerializer<?>)
                                    (v1
                                            ? StateFormatV1.PendingSerializer.INSTANCE
                                            : PendingClicksSerializer.INSTANCE);
        }
        if (callSites.equals("megamorphic")) {
            seeOtherViewClasses();
        }
        out.clear();
        serializer.serialize(state, out);
        bytes = out.getCopyOfBuffer();
        System.out.println(
                "[bytes] format="
                        + format
                        + " value="
                        + value
                        + " bytes="
                        + bytes.length
                        + " callSites="
                        + callSites);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        callsAtStart = calls;
        cpuAtStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        long n = calls - callsAtStart;
        double cpuNs = (THREADS.getCurrentThreadCpuTime() - cpuAtStart) / (double) Math.max(1, n);
        System.out.printf(
                "[cpu] format=%s value=%s callSites=%s calls=%d cpu_ns/call=%.1f%n",
                format, value, callSites, n, cpuNs);
    }

    /**
     * A third view class (as the job has more: network spanning/non-spanning readers, stream
     * wrappers...).
     */
    static final class OtherInput extends DataInputDeserializer {
        OtherInput(byte[] bytes) {
            super(bytes);
        }
    }

    /**
     * Both formats, both values, through three input and two output view classes, so call sites see
     * them all.
     */
    @SuppressWarnings("unchecked")
    private static void seeOtherViewClasses() throws IOException {
        TypeSerializer<?>[] serializers = {
            StateFormatV1.TimelineSerializer.INSTANCE,
            UserTimelineSerializer.INSTANCE,
            StateFormatV1.PendingSerializer.INSTANCE,
            PendingClicksSerializer.INSTANCE
        };
        Object[] values = {timeline(), timeline(), pending(), pending()};
        for (int round = 0; round < 20_000; round++) {
            for (int k = 0; k < serializers.length; k++) {
                TypeSerializer<Object> s = (TypeSerializer<Object>) serializers[k];
                ByteArrayOutputStream stream = new ByteArrayOutputStream(1024);
                s.serialize(values[k], new DataOutputViewStreamWrapper(stream));
                byte[] b = stream.toByteArray();
                s.deserialize(new DataInputViewStreamWrapper(new ByteArrayInputStream(b)));
                s.deserialize(new OtherInput(b));
                DataOutputSerializer out = new DataOutputSerializer(1024);
                s.serialize(values[k], out);
                s.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
            }
        }
    }

    static final long T0 = 1_700_000_000_000L;
    static final Map<String, String> PROFILE = Map.of("age", "25-34", "gender", "f");

    static Click click(Random random, long time, String clientSessionId) {
        int item = 10_000 + random.nextInt(90_000);
        Behavior b =
                new Behavior(
                        "i" + item,
                        "c" + (100 + item % 900),
                        item % 4 == 0 ? null : "b" + (item % 5000),
                        "s" + (1000 + item % 9000),
                        time);
        return new Click("u4711", clientSessionId, b, PROFILE);
    }

    /** 20 history clicks (two earlier sessions), then an open session of 10 clicks. */
    static UserTimeline timeline() {
        Random random = new Random(42);
        UserTimeline t = new UserTimeline();
        long time = T0;
        for (int i = 0; i < 30; i++) {
            time += i == 10 || i == 20 ? 3_600_000L : 20_000L + random.nextInt(40_000);
            t.accept("u4711", click(random, time, "sdk-" + (i / 10)), SessionRules.DEFAULT);
        }
        if (t.history().size() != 20 || t.session().size() != 10) {
            throw new IllegalStateException(
                    "history " + t.history().size() + ", session " + t.session().size());
        }
        return t;
    }

    /** Three clicks of one user ahead of the watermark. */
    static PendingClicks pending() {
        Random random = new Random(43);
        PendingClicks p = new PendingClicks();
        for (int i = 0; i < 3; i++) {
            p.add(click(random, T0 + i * 1_500L, "sdk-2"));
        }
        return p;
    }

    @Benchmark
    public Object roundTrip() throws IOException {
        calls++;
        out.clear();
        serializer.serialize(state, out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return serializer.deserialize(in);
    }

    @Benchmark
    public int serialize() throws IOException {
        calls++;
        out.clear();
        serializer.serialize(state, out);
        return out.length();
    }

    @Benchmark
    public Object deserialize() throws IOException {
        calls++;
        in.setBuffer(bytes);
        return serializer.deserialize(in);
    }
}
