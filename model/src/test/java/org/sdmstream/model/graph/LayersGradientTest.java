package org.sdmstream.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Every block's output shape, and its gradient from {@code Graph.addGradients} against central
 * finite differences on tiny random inputs (B=2, T=4, D=4).
 */
class LayersGradientTest {

    private static final int B = 2, T = 4, D = 4, H = 2, U = 3, E = 5;

    /** A block under test: its float inputs by name and shape, and how to build it from them. */
    private record Case(
            Map<String, long[]> inputs,
            Function<Map<String, Operand<TFloat32>>, Operand<TFloat32>> block,
            long[] outputShape) {}

    private static Operand<TFloat32> lengthsMask(Layers l) {
        return l.sequenceMask(l.tf().constant(new int[] {T, 2}), T);
    }

    private static void check(Function<Layers, Case> caseFor) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Case c = caseFor.apply(new Layers(tf));
            Map<String, Placeholder<TFloat32>> ph = new LinkedHashMap<>();
            Map<String, Operand<TFloat32>> ops = new LinkedHashMap<>();
            for (var e : c.inputs().entrySet()) {
                Placeholder<TFloat32> p =
                        tf.withName(e.getKey())
                                .placeholder(
                                        TFloat32.class, Placeholder.shape(Shape.of(e.getValue())));
                ph.put(e.getKey(), p);
                ops.put(e.getKey(), p);
            }
            Operand<TFloat32> out = c.block().apply(ops);
            assertThat(out.shape().asArray())
                    .as("static output shape")
                    .containsExactly(c.outputShape());
            Random r = new Random(7);
            long outSize = Arrays.stream(c.outputShape()).reduce(1, (a, b) -> a * b);
            float[] weights = new float[(int) outSize];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) r.nextGaussian();
            }
            Operand<TFloat32> y =
                    tf.reduceSum(
                            tf.math.mul(
                                    out,
                                    tf.constant(
                                            Shape.of(c.outputShape()),
                                            org.tensorflow.ndarray.buffer.DataBuffers.of(
                                                    weights, true, false))),
                            tf.range(tf.constant(0), tf.rank(out), tf.constant(1)));
            List<Output<?>> xs = new ArrayList<>();
            ph.values().forEach(p -> xs.add(p.output()));
            Output<?>[] grads = g.addGradients(y.asOutput(), xs.toArray(new Output<?>[0]));

            Map<String, float[]> values = new LinkedHashMap<>();
            for (var e : c.inputs().entrySet()) {
                float[] v = new float[(int) Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * 0.5);
                }
                values.put(e.getKey(), v);
            }
            try (Session s = new Session(g)) {
                int gi = 0;
                for (var e : c.inputs().entrySet()) {
                    float[] analytic = run(s, c, values, grads[gi++]);
                    assertThat(analytic)
                            .as("gradient of " + e.getKey())
                            .hasSize(values.get(e.getKey()).length);
                    float[] v = values.get(e.getKey());
                    for (int i = 0; i < v.length; i++) {
                        float keep = v[i];
                        double eps = 1e-2;
                        v[i] = (float) (keep + eps);
                        double plus = run(s, c, values, y.asOutput())[0];
                        v[i] = (float) (keep - eps);
                        double minus = run(s, c, values, y.asOutput())[0];
                        v[i] = keep;
                        double numeric = (plus - minus) / (2 * eps);
                        assertThat(analytic[i])
                                .as("d/d %s[%d]", e.getKey(), i)
                                .isCloseTo(
                                        (float) numeric,
                                        org.assertj.core.data.Offset.offset(
                                                (float) (2e-2 * Math.max(1, Math.abs(numeric)))));
                    }
                }
            }
        }
    }

    private static float[] run(Session s, Case c, Map<String, float[]> values, Output<?> fetch) {
        List<TFloat32> feeds = new ArrayList<>();
        try {
            Session.Runner runner = s.runner();
            for (var e : c.inputs().entrySet()) {
                TFloat32 t = InputTensors.floats(values.get(e.getKey()), e.getValue());
                feeds.add(t);
                runner.feed(e.getKey(), t);
            }
            try (Result res = runner.fetch(fetch).run()) {
                return InputTensors.toArray((TFloat32) res.get(0));
            }
        } finally {
            feeds.forEach(TFloat32::close);
        }
    }

    private static Map<String, long[]> shapes(Object... nameAndShape) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndShape.length; i += 2) {
            m.put((String) nameAndShape[i], (long[]) nameAndShape[i + 1]);
        }
        return m;
    }

    @Test
    void lstm() {
        check(
                l ->
                        new Case(
                                shapes(
                                        "x",
                                        new long[] {B, T, E},
                                        "w",
                                        new long[] {E, 4 * D},
                                        "u",
                                        new long[] {D, 4 * D},
                                        "b",
                                        new long[] {4 * D}),
                                in ->
                                        l.lstm(
                                                in.get("x"),
                                                lengthsMask(l),
                                                in.get("w"),
                                                in.get("u"),
                                                in.get("b"),
                                                T,
                                                E,
                                                D),
                                new long[] {B, T, D}));
    }

    @Test
    void causalSelfAttention() {
        check(
                l ->
                        new Case(
                                shapes(
                                        "h",
                                        new long[] {B, T, D},
                                        "wq",
                                        new long[] {D, D},
                                        "wk",
                                        new long[] {D, D},
                                        "wv",
                                        new long[] {D, D},
                                        "wo",
                                        new long[] {D, D}),
                                in ->
                                        l.causalSelfAttention(
                                                in.get("h"),
                                                lengthsMask(l),
                                                in.get("wq"),
                                                in.get("wk"),
                                                in.get("wv"),
                                                in.get("wo"),
                                                T,
                                                D,
                                                H),
                                new long[] {B, T, D}));
    }

    @Test
    void causalUserAttention() {
        check(
                l ->
                        new Case(
                                shapes(
                                        "h",
                                        new long[] {B, T, D},
                                        "eu",
                                        new long[] {B, U},
                                        "w",
                                        new long[] {U, D}),
                                in ->
                                        l.causalUserAttention(
                                                in.get("h"),
                                                in.get("eu"),
                                                in.get("w"),
                                                lengthsMask(l),
                                                T,
                                                D),
                                new long[] {B, T, D}));
    }

    @Test
    void attentionPool() {
        check(
                l ->
                        new Case(
                                shapes(
                                        "x",
                                        new long[] {B, T, E},
                                        "eu",
                                        new long[] {B, U},
                                        "w",
                                        new long[] {E, U}),
                                in ->
                                        l.attentionPool(
                                                in.get("x"),
                                                in.get("eu"),
                                                in.get("w"),
                                                lengthsMask(l),
                                                T,
                                                E,
                                                U),
                                new long[] {B, E}));
    }

    @Test
    void gate() {
        check(
                l ->
                        new Case(
                                shapes(
                                        "eu",
                                        new long[] {B, U},
                                        "s",
                                        new long[] {B, T, D},
                                        "p",
                                        new long[] {B, D},
                                        "w1",
                                        new long[] {U, D},
                                        "w2",
                                        new long[] {D, D},
                                        "w3",
                                        new long[] {D, D},
                                        "b",
                                        new long[] {D}),
                                in ->
                                        l.gate(
                                                in.get("eu"),
                                                in.get("s"),
                                                in.get("p"),
                                                in.get("w1"),
                                                in.get("w2"),
                                                in.get("w3"),
                                                in.get("b"),
                                                T,
                                                D),
                                new long[] {B, T, D}));
    }

    @Test
    void l2NormalizeAndCausalMeanAndLastPosition() {
        check(
                l ->
                        new Case(
                                shapes("x", new long[] {B, T, D}),
                                in ->
                                        l.lastPosition(
                                                l.l2Normalize(
                                                        l.causalMean(
                                                                in.get("x"), lengthsMask(l), T)),
                                                l.tf().constant(new int[] {T, 2}),
                                                T),
                                new long[] {B, D}));
    }

    @Test
    void maskedMeanOfAnEmptyHistoryIsZero() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Layers l = new Layers(Ops.create(g));
            Operand<TInt32> lengths = l.tf().constant(new int[] {0});
            Operand<TFloat32> x = l.tf().constant(new float[][][] {{{1f, 2f}, {3f, 4f}}});
            try (Result r =
                    s.runner()
                            .fetch(l.maskedMean(x, l.sequenceMask(lengths, 2)))
                            .fetch(
                                    l.attentionPool(
                                            x,
                                            l.tf().constant(new float[][] {{1f}}),
                                            l.tf().constant(new float[][] {{1f}, {1f}}),
                                            l.sequenceMask(lengths, 2),
                                            2,
                                            2,
                                            1))
                            .run()) {
                assertThat(InputTensors.toArray((TFloat32) r.get(0))).containsExactly(0f, 0f);
                assertThat(InputTensors.toArray((TFloat32) r.get(1))).containsExactly(0f, 0f);
            }
        }
    }
}
