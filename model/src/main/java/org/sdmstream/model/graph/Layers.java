package org.sdmstream.model.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.nn.BlockLSTM;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The building blocks of the SDM tower and its baselines as graph-mode functions of their inputs
 * and weights (shapes in the javadoc: B batch, T session positions, L history positions). Each
 * block only uses ops with a registered gradient and no while loop, so {@code Graph.addGradients}
 * can train it, except {@link #fusedLstmRun}, which serving graphs use. Causality: every
 * per-position block lets position t see positions &lt;= t only, so the vector at t is exactly the
 * one the stream emits after the session's t-th click.
 */
public final class Layers {

    /**
     * Added to masked attention scores; large enough to zero the weight, small enough to stay
     * finite.
     */
    private static final float MASKED = -1e9f;

    private final Ops tf;

    public Layers(Ops tf) {
        this.tf = tf;
    }

    public Ops tf() {
        return tf;
    }

    /** 1.0 where position &lt; length, else 0.0: lengths [B] -> [B, width]. */
    public Operand<TFloat32> sequenceMask(Operand<TInt32> lengths, int width) {
        Operand<TInt32> positions =
                tf.reshape(
                        tf.range(tf.constant(0), tf.constant(width), tf.constant(1)),
                        tf.constant(new int[] {1, width}));
        Operand<TBool> valid = tf.math.less(positions, tf.expandDims(lengths, tf.constant(1)));
        return tf.dtypes.cast(valid, TFloat32.class);
    }

    /**
     * Inverted dropout of x's entries at {@code rate} (a scalar, 0 = identity: floor(u + 1) = 1 for
     * u in [0, 1)). The mask is a stateless function of {@code seed} [2] (fed per batch by the
     * trainer), so a resumed run draws the same masks as an uninterrupted one.
     */
    public Operand<TFloat32> dropout(
            Operand<TFloat32> x, Operand<TFloat32> rate, Operand<TInt32> seed) {
        Operand<TFloat32> keep = tf.math.sub(tf.constant(1f), rate);
        Operand<TFloat32> uniform =
                tf.random.statelessRandomUniform(tf.shape(x), seed, TFloat32.class);
        Operand<TFloat32> mask = tf.math.div(tf.math.floor(tf.math.add(uniform, keep)), keep);
        return tf.math.mul(x, mask);
    }

    /**
     * Embedding rows: table [N, d], ids [...] -> [..., d] (GatherV2 on a VariableV2 has a
     * gradient).
     */
    public Operand<TFloat32> lookup(Operand<TFloat32> table, Operand<TInt32> ids) {
        return tf.gather(table, ids, tf.constant(0));
    }

    /** x [B, n, in] times w [in, out] -> [B, n, out]. */
    public Operand<TFloat32> dense3(
            Operand<TFloat32> x, Operand<TFloat32> w, int n, int in, int out) {
        Operand<TFloat32> flat =
                tf.linalg.matMul(tf.reshape(x, tf.constant(new int[] {-1, in})), w);
        return tf.reshape(flat, tf.constant(new int[] {-1, n, out}));
    }

    /**
     * LSTM unrolled over T steps (while loops have no gradient in TF Java). Padding positions
     * output zeros. x [B, T, in], mask [B, T] (ones then zeros: padding after the real positions)
     * -> h [B, T, hidden]. Gate order in w/u/b columns: input, forget (+1 bias), candidate, output.
     */
    public Operand<TFloat32> lstm(
            Operand<TFloat32> x,
            Operand<TFloat32> mask,
            Operand<TFloat32> w,
            Operand<TFloat32> u,
            Operand<TFloat32> b,
            int steps,
            int in,
            int hidden) {
        return lstmRun(x, mask, w, u, b, steps, in, hidden).outputs();
    }

    /**
     * The outputs of {@link #lstm} [B, T, hidden] and the state after the last real position: what
     * a step carries after that click.
     */
    public record LstmRun(Operand<TFloat32> outputs, LstmState last) {}

    /** {@link #lstm} with its final state. */
    public LstmRun lstmRun(
            Operand<TFloat32> x,
            Operand<TFloat32> mask,
            Operand<TFloat32> w,
            Operand<TFloat32> u,
            Operand<TFloat32> b,
            int steps,
            int in,
            int hidden) {
        Operand<TFloat32> xw = tf.math.add(dense3(x, w, steps, in, 4 * hidden), b);
        List<Output<TFloat32>> xs = tf.unstack(xw, (long) steps, Unstack.axis(1L)).output();
        // zeros [B, hidden] without a shape input: a slice of the first step's projection times 0
        Operand<TFloat32> h =
                tf.math.mul(
                        tf.slice(
                                xs.get(0),
                                tf.constant(new int[] {0, 0}),
                                tf.constant(new int[] {-1, hidden})),
                        tf.constant(0f));
        Operand<TFloat32> c = h;
        // The padding comes after the real positions, so the steps over it cannot reach the
        // outputs of real positions (the recurrence is causal): they run unmasked, and only their
        // outputs are zeroed, once for all positions. Masking the state at every step (carrying it
        // over the padding) was 9 of the ~22 ops per step, which a tower run pays per position.
        List<Operand<TFloat32>> hs = new ArrayList<>(steps);
        List<Operand<TFloat32>> cs = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            LstmState next = lstmCell(xs.get(t), h, c, u);
            h = next.h();
            c = next.c();
            hs.add(h);
            cs.add(c);
        }
        Operand<TFloat32> states = tf.stack(hs, Stack.axis(1L));
        Operand<TFloat32> outputs = tf.math.mul(states, tf.expandDims(mask, tf.constant(2)));
        // The state after the last real position (position 0 for an empty session): fetched for
        // prefix rows only, so TF prunes it from every other run.
        Operand<TInt32> last =
                tf.math.maximum(
                        tf.math.sub(
                                tf.dtypes.cast(tf.reduceSum(mask, tf.constant(1)), TInt32.class),
                                tf.constant(1)),
                        tf.constant(0));
        return new LstmRun(
                outputs,
                new LstmState(
                        tf.gather(states, last, tf.constant(1), Gather.batchDims(1L)),
                        tf.gather(
                                tf.stack(cs, Stack.axis(1L)),
                                last,
                                tf.constant(1),
                                Gather.batchDims(1L))));
    }

    /**
     * {@link #lstmRun} as one fused op (BlockLSTMV2) instead of ~13 ops per unrolled step: the same
     * cell (gates input, forget, candidate, output; the forget gate's +1 folded into the bias; no
     * peepholes, no clipping), stepped over the longest real session of the batch only (the op
     * zeroes its outputs past that). It has no gradient in TF Java, so serving graphs only. An
     * unrolled tower run pays each op's dispatch per position, a fixed cost per run: the full tower
     * at batch 8 costs ~16 % less CPU this way (docs/benchmarks.md, session 16).
     */
    public LstmRun fusedLstmRun(
            Operand<TFloat32> x,
            Operand<TFloat32> mask,
            Operand<TFloat32> w,
            Operand<TFloat32> u,
            Operand<TFloat32> b,
            int hidden) {
        float[] forget = new float[4 * hidden];
        Arrays.fill(forget, hidden, 2 * hidden, 1f);
        Operand<TFloat32> wx = tf.concat(List.of(w, u), tf.constant(0)); // [in + hidden, 4 hidden]
        Operand<TFloat32> bias = tf.math.add(b, tf.constant(forget));
        Operand<TInt32> lengths = tf.dtypes.cast(tf.reduceSum(mask, tf.constant(1)), TInt32.class);
        // At least one step, so that an empty session's state is that after a step over padding,
        // as in the unrolled run.
        Operand<TInt64> longest =
                tf.dtypes.cast(
                        tf.math.maximum(tf.max(lengths, tf.constant(0)), tf.constant(1)),
                        TInt64.class);
        Operand<TFloat32> zeros =
                tf.fill(
                        tf.stack(
                                List.of(
                                        tf.gather(tf.shape(x), tf.constant(0), tf.constant(0)),
                                        tf.constant(hidden))),
                        tf.constant(0f));
        Operand<TFloat32> noPeephole = tf.constant(new float[hidden]);
        Operand<TInt32> swap = tf.constant(new int[] {1, 0, 2}); // [B, T, .] <-> [T, B, .]
        BlockLSTM<TFloat32> run =
                tf.nn.blockLSTM(
                        longest,
                        tf.linalg.transpose(x, swap),
                        zeros,
                        zeros,
                        wx,
                        noPeephole,
                        noPeephole,
                        noPeephole,
                        bias,
                        BlockLSTM.cellClip(-1f),
                        BlockLSTM.usePeephole(false));
        Operand<TFloat32> states = tf.linalg.transpose(run.h(), swap); // [B, T, hidden]
        Operand<TFloat32> outputs = tf.math.mul(states, tf.expandDims(mask, tf.constant(2)));
        Operand<TInt32> last =
                tf.math.maximum(tf.math.sub(lengths, tf.constant(1)), tf.constant(0));
        return new LstmRun(
                outputs,
                new LstmState(
                        tf.gather(states, last, tf.constant(1), Gather.batchDims(1L)),
                        tf.gather(
                                tf.linalg.transpose(run.cs(), swap),
                                last,
                                tf.constant(1),
                                Gather.batchDims(1L))));
    }

    /** An LSTM's hidden state h and cell state c, each [B, hidden]. */
    public record LstmState(Operand<TFloat32> h, Operand<TFloat32> c) {}

    /**
     * One LSTM step, the cell of {@link #lstm} and of the step graph: xw [B, 4 hidden] is the
     * input's projection x w + b, h and c [B, hidden] the state before the step, u [hidden, 4
     * hidden].
     */
    public LstmState lstmCell(
            Operand<TFloat32> xw, Operand<TFloat32> h, Operand<TFloat32> c, Operand<TFloat32> u) {
        Operand<TFloat32> z = tf.math.add(xw, tf.linalg.matMul(h, u));
        List<Output<TFloat32>> gates = tf.split(tf.constant(1), z, 4L).output();
        Operand<TFloat32> i = tf.math.sigmoid(gates.get(0));
        Operand<TFloat32> f = tf.math.sigmoid(tf.math.add(gates.get(1), tf.constant(1f)));
        Operand<TFloat32> g = tf.math.tanh(gates.get(2));
        Operand<TFloat32> o = tf.math.sigmoid(gates.get(3));
        Operand<TFloat32> cNew = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, g));
        return new LstmState(tf.math.mul(o, tf.math.tanh(cNew)), cNew);
    }

    /**
     * Additive attention bias [T, T]: 0 where key k &lt;= query t, a large negative number above.
     */
    public Operand<TFloat32> causalBias(int steps) {
        float[][] bias = new float[steps][steps];
        for (int t = 0; t < steps; t++) {
            for (int k = t + 1; k < steps; k++) {
                bias[t][k] = MASKED;
            }
        }
        return tf.constant(bias);
    }

    /** 0/1 lower-triangular matrix [T, T]: 1 where k &lt;= t. */
    public Operand<TFloat32> causalOnes(int steps) {
        float[][] ones = new float[steps][steps];
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k <= t; k++) {
                ones[t][k] = 1f;
            }
        }
        return tf.constant(ones);
    }

    /** Key-mask bias: mask [B, n] -> 0 for real keys, a large negative number for padding. */
    public Operand<TFloat32> keyBias(Operand<TFloat32> mask) {
        return tf.math.mul(tf.math.sub(tf.constant(1f), mask), tf.constant(MASKED));
    }

    /**
     * Causal multi-head self-attention with key masking and a residual connection: h [B, T, D],
     * mask [B, T] -> [B, T, D]; query t attends to real keys k &lt;= t.
     */
    public Operand<TFloat32> causalSelfAttention(
            Operand<TFloat32> h,
            Operand<TFloat32> mask,
            Operand<TFloat32> wq,
            Operand<TFloat32> wk,
            Operand<TFloat32> wv,
            Operand<TFloat32> wo,
            int steps,
            int dim,
            int heads) {
        return causalSelfAttentionRows(h, mask, wq, wk, wv, wo, steps, dim, heads).output();
    }

    /**
     * The output of {@link #causalSelfAttention} [B, T, D] and its key and value rows [B, H, T,
     * D/H] (zero at padding, whose h is zero): the rows a step carries.
     */
    public record SelfAttention(
            Operand<TFloat32> output, Operand<TFloat32> keys, Operand<TFloat32> values) {}

    /** {@link #causalSelfAttention} with its key and value rows. */
    public SelfAttention causalSelfAttentionRows(
            Operand<TFloat32> h,
            Operand<TFloat32> mask,
            Operand<TFloat32> wq,
            Operand<TFloat32> wk,
            Operand<TFloat32> wv,
            Operand<TFloat32> wo,
            int steps,
            int dim,
            int heads) {
        int headDim = dim / heads;
        Operand<TFloat32> q = splitHeads(dense3(h, wq, steps, dim, dim), steps, heads, headDim);
        Operand<TFloat32> k = splitHeads(dense3(h, wk, steps, dim, dim), steps, heads, headDim);
        Operand<TFloat32> v = splitHeads(dense3(h, wv, steps, dim, dim), steps, heads, headDim);
        Operand<TFloat32> scores =
                tf.math.mul(
                        tf.train.batchMatMul(q, k, TFloat32.class, BatchMatMul.adjY(true)),
                        tf.constant((float) (1.0 / Math.sqrt(headDim)))); // [B, H, T, T]
        Operand<TFloat32> bias =
                tf.math.add(
                        tf.reshape(causalBias(steps), tf.constant(new int[] {1, 1, steps, steps})),
                        tf.reshape(keyBias(mask), tf.constant(new int[] {-1, 1, 1, steps})));
        Operand<TFloat32> weights = tf.nn.softmax(tf.math.add(scores, bias));
        Operand<TFloat32> context =
                tf.train.batchMatMul(weights, v, TFloat32.class); // [B, H, T, hd]
        context =
                tf.reshape(
                        tf.linalg.transpose(context, tf.constant(new int[] {0, 2, 1, 3})),
                        tf.constant(new int[] {-1, steps, dim}));
        return new SelfAttention(tf.math.add(dense3(context, wo, steps, dim, dim), h), k, v);
    }

    private Operand<TFloat32> splitHeads(Operand<TFloat32> x, int steps, int heads, int headDim) {
        return tf.linalg.transpose(
                tf.reshape(x, tf.constant(new int[] {-1, steps, heads, headDim})),
                tf.constant(new int[] {0, 2, 1, 3}));
    }

    /**
     * Causal user attention: query e_u W over the positions, pooled per position t over real k
     * &lt;= t. h [B, T, D], eu [B, U], w [U, D], mask [B, T] -> s [B, T, D].
     */
    public Operand<TFloat32> causalUserAttention(
            Operand<TFloat32> h,
            Operand<TFloat32> eu,
            Operand<TFloat32> w,
            Operand<TFloat32> mask,
            int steps,
            int dim) {
        Operand<TFloat32> query =
                tf.reshape(tf.linalg.matMul(eu, w), tf.constant(new int[] {-1, dim, 1}));
        Operand<TFloat32> scores =
                tf.reshape(
                        tf.train.batchMatMul(h, query, TFloat32.class),
                        tf.constant(
                                new int[] {
                                    -1, 1, steps
                                })); // score of key k, the same for every query position
        Operand<TFloat32> biased =
                tf.math.add(
                        tf.math.add(
                                scores,
                                tf.reshape(
                                        causalBias(steps),
                                        tf.constant(new int[] {1, steps, steps}))),
                        tf.reshape(
                                keyBias(mask), tf.constant(new int[] {-1, 1, steps}))); // [B, T, T]
        return tf.train.batchMatMul(tf.nn.softmax(biased), h, TFloat32.class);
    }

    /**
     * Attention pooling of a history with e_u as query (bilinear score x W e_u), masked; an empty
     * history pools to zeros. x [B, L, d], eu [B, U], w [d, U], mask [B, L] -> [B, d].
     */
    public Operand<TFloat32> attentionPool(
            Operand<TFloat32> x,
            Operand<TFloat32> eu,
            Operand<TFloat32> w,
            Operand<TFloat32> mask,
            int length,
            int dim,
            int userDim) {
        Operand<TFloat32> projected = dense3(x, w, length, dim, userDim);
        Operand<TFloat32> scores =
                tf.reshape(
                        tf.train.batchMatMul(
                                projected,
                                tf.reshape(eu, tf.constant(new int[] {-1, userDim, 1})),
                                TFloat32.class),
                        tf.constant(new int[] {-1, length}));
        return poolByScores(x, scores, mask, length, dim);
    }

    /**
     * {@link #attentionPool} with the bilinear score reassociated: x (W e_u) instead of (x W) e_u,
     * so it costs L·d instead of L·d·U multiply-adds (same value up to float round-off); the step
     * graph's choice. x [B, L, d], eu [B, U], w [d, U], mask [B, L] -> [B, d].
     */
    public Operand<TFloat32> attentionPoolByUserQuery(
            Operand<TFloat32> x,
            Operand<TFloat32> eu,
            Operand<TFloat32> w,
            Operand<TFloat32> mask,
            int length,
            int dim) {
        Operand<TFloat32> query =
                tf.reshape(
                        tf.linalg.matMul(eu, w, MatMul.transposeB(true)),
                        tf.constant(new int[] {-1, dim, 1})); // [B, d, 1]
        Operand<TFloat32> scores =
                tf.reshape(
                        tf.train.batchMatMul(x, query, TFloat32.class),
                        tf.constant(new int[] {-1, length}));
        return poolByScores(x, scores, mask, length, dim);
    }

    /**
     * The masked softmax of scores [B, L] as weights of x [B, L, d] -> [B, d]; an empty history
     * pools to zeros.
     */
    private Operand<TFloat32> poolByScores(
            Operand<TFloat32> x,
            Operand<TFloat32> scores,
            Operand<TFloat32> mask,
            int length,
            int dim) {
        Operand<TFloat32> weights =
                tf.math.mul(tf.nn.softmax(tf.math.add(scores, keyBias(mask))), mask);
        return tf.reshape(
                tf.train.batchMatMul(
                        tf.reshape(weights, tf.constant(new int[] {-1, 1, length})),
                        x,
                        TFloat32.class),
                tf.constant(new int[] {-1, dim}));
    }

    /**
     * The SDM gate: G = sigmoid(W1 e_u + W2 s_t + W3 p + b), o_t = (1 - G) p + G s_t. eu [B, U], s
     * [B, T, D], p [B, D] -> [B, T, D].
     */
    public Operand<TFloat32> gate(
            Operand<TFloat32> eu,
            Operand<TFloat32> s,
            Operand<TFloat32> p,
            Operand<TFloat32> w1,
            Operand<TFloat32> w2,
            Operand<TFloat32> w3,
            Operand<TFloat32> b,
            int steps,
            int dim) {
        return gateMix(s, p, gateBias(eu, p, w1, w3, b), w2, steps, dim);
    }

    /**
     * The gate's part that stays fixed over a session, W1 e_u + W3 p + b: eu [B, U], p [B, D] ->
     * [B, D].
     */
    public Operand<TFloat32> gateBias(
            Operand<TFloat32> eu,
            Operand<TFloat32> p,
            Operand<TFloat32> w1,
            Operand<TFloat32> w3,
            Operand<TFloat32> b) {
        return tf.math.add(tf.math.add(tf.linalg.matMul(eu, w1), tf.linalg.matMul(p, w3)), b);
    }

    /**
     * The gate over its session-fixed part {@code bias} ({@link #gateBias}): s [B, T, D], p [B, D],
     * bias [B, D] -> [B, T, D].
     */
    public Operand<TFloat32> gateMix(
            Operand<TFloat32> s,
            Operand<TFloat32> p,
            Operand<TFloat32> bias,
            Operand<TFloat32> w2,
            int steps,
            int dim) {
        Operand<TFloat32> perUser = tf.expandDims(bias, tf.constant(1)); // [B, 1, D]
        Operand<TFloat32> g = tf.math.sigmoid(tf.math.add(dense3(s, w2, steps, dim, dim), perUser));
        Operand<TFloat32> pAt = tf.expandDims(p, tf.constant(1));
        return tf.math.add(tf.math.mul(tf.math.sub(tf.constant(1f), g), pAt), tf.math.mul(g, s));
    }

    /** Unit length along the last axis (a zero vector stays zero). */
    public Operand<TFloat32> l2Normalize(Operand<TFloat32> x) {
        Operand<TFloat32> squares =
                tf.reduceSum(tf.math.square(x), tf.constant(-1), ReduceSum.keepDims(true));
        return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(squares, tf.constant(1e-12f))));
    }

    /** Mean over real positions k &lt;= t, per t: x [B, T, d], mask [B, T] -> [B, T, d]. */
    public Operand<TFloat32> causalMean(Operand<TFloat32> x, Operand<TFloat32> mask, int steps) {
        Operand<TFloat32> weights =
                tf.math.mul(
                        tf.reshape(causalOnes(steps), tf.constant(new int[] {1, steps, steps})),
                        tf.reshape(mask, tf.constant(new int[] {-1, 1, steps}))); // [B, T, T]
        Operand<TFloat32> counts = tf.reduceSum(weights, tf.constant(-1), ReduceSum.keepDims(true));
        return tf.math.div(
                tf.train.batchMatMul(weights, x, TFloat32.class),
                tf.math.maximum(counts, tf.constant(1f)));
    }

    /** Mean over real positions: x [B, n, d], mask [B, n] -> [B, d] (zeros when none). */
    public Operand<TFloat32> maskedMean(Operand<TFloat32> x, Operand<TFloat32> mask) {
        Operand<TFloat32> m = tf.expandDims(mask, tf.constant(-1));
        Operand<TFloat32> sum = tf.reduceSum(tf.math.mul(x, m), tf.constant(1));
        Operand<TFloat32> count = tf.reduceSum(m, tf.constant(1));
        return tf.math.div(sum, tf.math.maximum(count, tf.constant(1f)));
    }

    /** The row at position length - 1: seq [B, T, d], lengths [B] -> [B, d]. */
    public Operand<TFloat32> lastPosition(
            Operand<TFloat32> seq, Operand<TInt32> lengths, int steps) {
        Operand<TFloat32> pick =
                tf.oneHot(
                        tf.math.sub(lengths, tf.constant(1)),
                        tf.constant(steps),
                        tf.constant(1f),
                        tf.constant(0f)); // [B, T]
        return tf.reduceSum(tf.math.mul(seq, tf.expandDims(pick, tf.constant(-1))), tf.constant(1));
    }
}
