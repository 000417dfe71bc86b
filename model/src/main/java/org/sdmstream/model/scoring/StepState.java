package org.sdmstream.model.scoring;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.encoding.ModelInputEncoder;

/**
 * What the step signature carries for one user after {@code position} clicks of one session: LSTM h
 * and c, the key and value rows of those clicks (head-major, [H][capacity][K], the layout the step
 * signature takes, so feeding them is one copy per head straight into the round's native tensor;
 * the step returns each new row as [H * K], read straight into the rows), the user-attention
 * accumulator (m, l, acc) and the last vector; plus the encoded inputs that stay fixed for the
 * session (user id, long-term history), so a click only encodes itself.
 *
 * <p>Which inputs it belongs to: the sessionizer only ever appends to a session, and the history is
 * fixed when the session starts, so the session id and position identify the prefix. As a guard
 * against anything else (another stream of the same user in a shared scorer, a rebuilt test
 * fixture) the state also keeps fingerprints of the history and of the first and latest click it
 * stepped; {@link #continues} compares them in constant time, instead of re-encoding and hashing
 * the whole prefix at every click.
 */
final class StepState {

    /**
     * Rough JVM overhead of the object, its arrays and its cache entry; only used to bound the
     * cache.
     */
    private static final int OVERHEAD_BYTES = 300;

    final String sessionId;
    final int dimension;
    final int user;

    /** The encoded history; released (null) once the session values are carried. */
    int[] historyItem;

    int[] historyCategory;
    int[] historyBrand;
    int[] historyShop;
    final int historyLength;
    private final long historyPrint;

    /** The encoded profile every carried step used: the user-attention sums depend on it. */
    private final int[] profile;

    private long firstClickPrint;
    private long lastClickPrint;
    int position;
    float[] h;
    float[] c;

    /** Key and value rows, [H][capacity][K]. */
    float[] keys;

    float[] values;
    private int capacity;
    float poolMax;
    float poolSum;
    float[] poolAcc;
    float[] vector;

    /**
     * The session values ({@link org.sdmstream.model.ModelSignature#SESSION_VALUES}), [D] each,
     * computed once from the fixed inputs; null until then, and always for a model without them.
     */
    float[][] sessionValues;

    /** A state before the first click of {@code in}'s session, with its fixed inputs encoded. */
    StepState(ModelInput in, int[] encodedProfile, ModelInputEncoder encoder, int dimension) {
        this.sessionId = in.sessionId();
        this.dimension = dimension;
        this.user = encoder.encodeUser(in.userId());
        int l = encoder.maxHistory();
        this.historyItem = new int[l];
        this.historyCategory = new int[l];
        this.historyBrand = new int[l];
        this.historyShop = new int[l];
        this.historyLength =
                encoder.encodeHistory(
                        in.history(), historyItem, historyCategory, historyBrand, historyShop);
        this.historyPrint = historyPrint(in.history());
        this.profile = encodedProfile;
        this.h = new float[dimension];
        this.c = new float[dimension];
        this.poolAcc = new float[dimension];
        this.keys = new float[0];
        this.values = new float[0];
    }

    /**
     * Whether this state was stepped through a prefix of {@code in}'s session, with the same
     * history and the same encoded profile ({@code encodedProfile}, {@code in}'s): a profile that
     * changes mid-session changes the user embedding that weighed every carried position, so the
     * state must be rebuilt.
     */
    boolean continues(ModelInput in, int[] encodedProfile) {
        List<Behavior> session = in.session();
        return position > 0
                && position <= session.size()
                && Objects.equals(sessionId, in.sessionId())
                && firstClickPrint == print(session.get(0))
                && lastClickPrint == print(session.get(position - 1))
                && historyPrint == historyPrint(in.history())
                && Arrays.equals(profile, encodedProfile);
    }

    /** Records that {@code click}, the session's click at {@link #position}, has been stepped. */
    private void stepped(Behavior click) {
        long p = print(click);
        if (position == 0) {
            firstClickPrint = p;
        }
        lastClickPrint = p;
        position++;
    }

    private static long historyPrint(List<Behavior> history) {
        if (history.isEmpty()) {
            return 0;
        }
        return mix(
                mix(history.size(), print(history.get(0))), print(history.get(history.size() - 1)));
    }

    private static long print(Behavior b) {
        return mix(
                mix(
                        mix(
                                mix(b.eventTime(), b.itemId().hashCode()),
                                Objects.hashCode(b.categoryId())),
                        Objects.hashCode(b.brandId())),
                Objects.hashCode(b.shopId()));
    }

    private static long mix(long hash, long value) {
        long x = (hash ^ value) * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }

    /**
     * Writes this state's carried key and value rows into a round's [B, H, T, K] attention tensors
     * at lane {@code lane}: the {@link #position} rows of every head, then zeros up to {@code
     * maxRows} (a fresh native tensor holds whatever its memory held, and the masked slots still
     * take part in the products, so they must be finite), copied from {@code zeros}, at least
     * {@code maxRows * K} long.
     */
    void writeRows(
            FloatBuffer keysTensor,
            FloatBuffer valuesTensor,
            int lane,
            int heads,
            int maxRows,
            float[] zeros) {
        int k = dimension / heads;
        int filled = position * k;
        int empty = (maxRows - position) * k;
        for (int hh = 0; hh < heads; hh++) {
            int at = (lane * heads + hh) * maxRows * k;
            if (filled > 0) {
                keysTensor.put(at, keys, hh * capacity * k, filled);
                valuesTensor.put(at, values, hh * capacity * k, filled);
            }
            if (empty > 0) {
                keysTensor.put(at + filled, zeros, 0, empty);
                valuesTensor.put(at + filled, zeros, 0, empty);
            }
        }
    }

    /**
     * Takes the step's outputs for lane {@code lane} as the state after {@code click}, the
     * session's click at {@link #position}: LSTM h and c, the user-attention accumulator, the
     * vector, and the new key and value rows ([B, H, K], head-major) appended at {@link #position}.
     * Reads straight from the output tensors into this state's own arrays.
     */
    void advance(StepOutputs out, int lane, int heads, int maxRows, Behavior click) {
        int d = dimension;
        int at = lane * d;
        out.h().get(at, h, 0, d);
        out.c().get(at, c, 0, d);
        out.poolAcc().get(at, poolAcc, 0, d);
        if (vector == null) {
            vector = new float[d];
        }
        out.vector().get(at, vector, 0, d);
        poolMax = out.poolMax().get(lane);
        poolSum = out.poolSum().get(lane);
        int k = d / heads;
        if (position + 1 > capacity) {
            int grown = Math.min(maxRows, Math.max(position + 1, Math.max(4, 2 * capacity)));
            keys = relayout(keys, heads, k, grown);
            values = relayout(values, heads, k, grown);
            capacity = grown;
        }
        for (int hh = 0; hh < heads; hh++) {
            int row = at + hh * k;
            out.keyRow().get(row, keys, (hh * capacity + position) * k, k);
            out.valueRow().get(row, values, (hh * capacity + position) * k, k);
        }
        stepped(click);
    }

    private float[] relayout(float[] rows, int heads, int k, int grown) {
        float[] out = new float[heads * grown * k];
        for (int hh = 0; hh < heads; hh++) {
            System.arraycopy(rows, hh * capacity * k, out, hh * grown * k, position * k);
        }
        return out;
    }

    /**
     * Takes the session values of lane {@code lane} from their [B, D] tensors. The history they
     * were computed from is not needed again for this session, so it is released.
     */
    void takeSessionValues(FloatBuffer[] values, int lane) {
        float[][] taken = new float[values.length][dimension];
        for (int v = 0; v < values.length; v++) {
            values[v].get(lane * dimension, taken[v], 0, dimension);
        }
        sessionValues = taken;
        historyItem = null;
        historyCategory = null;
        historyBrand = null;
        historyShop = null;
    }

    /**
     * Takes the state after the last click of {@code session} from a prefix run's row {@code row}
     * ({@link PrefixRunner}): this state, fresh, then continues that session as if it had been
     * stepped through it.
     */
    void takePrefix(
            PrefixRunner.Outputs out, int row, List<Behavior> session, int heads, int maxRows) {
        int n = session.size();
        int d = dimension;
        int k = d / heads;
        int grown = 4;
        while (grown < n) {
            grown *= 2;
        }
        capacity = Math.min(maxRows, grown);
        keys = new float[heads * capacity * k];
        values = new float[heads * capacity * k];
        for (int hh = 0; hh < heads; hh++) {
            int from = (row * heads + hh) * maxRows * k;
            out.keys.get(from, keys, hh * capacity * k, n * k);
            out.values.get(from, values, hh * capacity * k, n * k);
        }
        out.h.get(row * d, h, 0, d);
        out.c.get(row * d, c, 0, d);
        out.poolAcc.get(row * d, poolAcc, 0, d);
        poolMax = out.poolMax.get(row);
        poolSum = out.poolSum.get(row);
        vector = new float[d];
        out.vectors.get((row * maxRows + n - 1) * d, vector, 0, d);
        takeSessionValues(out.sessionValues, row);
        firstClickPrint = print(session.get(0));
        lastClickPrint = print(session.get(n - 1));
        position = n;
    }

    /** Approximate heap bytes, for the cache's byte bound. */
    long bytes(String userId) {
        long numbers =
                4L * dimension
                        + keys.length
                        + values.length
                        + (vector == null ? 0 : vector.length)
                        + (historyItem == null ? 0 : 4L * historyItem.length)
                        + (sessionValues == null ? 0 : (long) sessionValues.length * dimension)
                        + profile.length;
        return OVERHEAD_BYTES
                + 4 * numbers
                + 2L
                        * ((userId == null ? 0 : userId.length())
                                + (sessionId == null ? 0 : sessionId.length()));
    }
}
