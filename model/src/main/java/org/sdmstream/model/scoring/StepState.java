package org.sdmstream.model.scoring;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.encoding.EncodedBatch;
import org.sdmstream.features.encoding.ModelInputEncoder;

/**
 * What the step signature carries for one user after {@code position} clicks of one session: LSTM h
 * and c, the key and value rows of those clicks (head-major, [H][capacity][K], the layout the step
 * signature takes, so feeding them is one copy per head straight into the round's native tensor;
 * the step returns each new row as [H * K], read straight into the rows), the user-attention
 * accumulator (m, l, acc) and the last vector; plus the encoded inputs: those that stay fixed for
 * the session (user id, long-term history) and the ids of the clicks it stepped, so a click only
 * encodes itself and a burst scored by a prefix row ({@link PrefixRunner}) only its new clicks
 * (vocabulary look-ups were the largest Java cost of the scorer in the job's profile).
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

    /** The encoded history, [L] each, padded; kept for the prefix rows of later bursts. */
    final int[] historyItem;

    final int[] historyCategory;
    final int[] historyBrand;
    final int[] historyShop;
    final int historyLength;
    private final long historyPrint;

    /** The encoded profile every carried step used: the user-attention sums depend on it. */
    private final int[] profile;

    /** The encoded ids of the clicks stepped, [capacity] each, the first {@link #position} real. */
    private int[] clickItem = new int[0];

    private int[] clickCategory = new int[0];
    private int[] clickBrand = new int[0];
    private int[] clickShop = new int[0];

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
        this(in, encodedProfile, dimension, encoder.encodeUser(in.userId()), encoder.maxHistory());
        int length =
                encoder.encodeHistory(
                        in.history(), historyItem, historyCategory, historyBrand, historyShop);
        if (length != historyLength) {
            throw new IllegalStateException(
                    "history encoded to " + length + " of " + historyLength);
        }
    }

    /**
     * A state before the first click of {@code in}'s session whose fixed inputs are taken from row
     * {@code row} of {@code encoded} ({@code in} encoded there), without a look-up.
     */
    static StepState ofEncodedRow(
            ModelInput in, int[] encodedProfile, EncodedBatch encoded, int row, int dimension) {
        int l = encoded.maxHistory();
        StepState s = new StepState(in, encodedProfile, dimension, encoded.user()[row], l);
        if (encoded.historyLength()[row] != s.historyLength) {
            throw new IllegalArgumentException(
                    "row " + row + " does not hold this input's history");
        }
        System.arraycopy(encoded.historyItem(), row * l, s.historyItem, 0, l);
        System.arraycopy(encoded.historyCategory(), row * l, s.historyCategory, 0, l);
        System.arraycopy(encoded.historyBrand(), row * l, s.historyBrand, 0, l);
        System.arraycopy(encoded.historyShop(), row * l, s.historyShop, 0, l);
        return s;
    }

    private StepState(
            ModelInput in, int[] encodedProfile, int dimension, int user, int maxHistory) {
        this.sessionId = in.sessionId();
        this.dimension = dimension;
        this.user = user;
        this.historyItem = new int[maxHistory];
        this.historyCategory = new int[maxHistory];
        this.historyBrand = new int[maxHistory];
        this.historyShop = new int[maxHistory];
        this.historyLength = Math.min(in.history().size(), maxHistory);
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
     * at lane {@code lane}: the {@link #position} rows of every head. The slots past them are left
     * as they are: {@link StepInputs} keeps them finite and the step's key bias gives them no
     * weight.
     */
    void writeRows(
            FloatBuffer keysTensor, FloatBuffer valuesTensor, int lane, int heads, int maxRows) {
        int k = dimension / heads;
        int filled = position * k;
        if (filled == 0) {
            return;
        }
        for (int hh = 0; hh < heads; hh++) {
            int at = (lane * heads + hh) * maxRows * k;
            keysTensor.put(at, keys, hh * capacity * k, filled);
            valuesTensor.put(at, values, hh * capacity * k, filled);
        }
    }

    /**
     * Takes the step's outputs for lane {@code lane} as the state after {@code click}, the
     * session's click at {@link #position}: LSTM h and c, the user-attention accumulator, the
     * vector, and the new key and value rows ([B, H, K], head-major) appended at {@link #position}.
     * Reads straight from the output tensors into this state's own arrays.
     */
    void advance(
            StepOutputs out,
            int lane,
            int heads,
            int maxRows,
            Behavior click,
            int[] clickIds,
            int idsAt) {
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
            clickItem = Arrays.copyOf(clickItem, grown);
            clickCategory = Arrays.copyOf(clickCategory, grown);
            clickBrand = Arrays.copyOf(clickBrand, grown);
            clickShop = Arrays.copyOf(clickShop, grown);
            capacity = grown;
        }
        clickItem[position] = clickIds[idsAt];
        clickCategory[position] = clickIds[idsAt + 1];
        clickBrand[position] = clickIds[idsAt + 2];
        clickShop[position] = clickIds[idsAt + 3];
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

    /** Takes the session values of lane {@code lane} from their [B, D] tensors. */
    void takeSessionValues(FloatBuffer[] values, int lane) {
        float[][] taken = new float[values.length][dimension];
        for (int v = 0; v < values.length; v++) {
            values[v].get(lane * dimension, taken[v], 0, dimension);
        }
        sessionValues = taken;
    }

    /**
     * Writes row {@code row} of {@code encoded} for {@code in}, a later input of the session this
     * state {@link #continues}: the clicks it stepped and its fixed inputs from what it carries,
     * only the clicks after {@link #position} looked up. Returns how many clicks it looked up.
     */
    int writeEncodedRow(EncodedBatch encoded, int row, ModelInput in, ModelInputEncoder encoder) {
        List<Behavior> session = in.session();
        int t = encoded.maxSession();
        int n = session.size();
        if (n > t) {
            throw new IllegalArgumentException("a session of " + n + " clicks is longer than " + t);
        }
        int at = row * t;
        System.arraycopy(clickItem, 0, encoded.sessionItem(), at, position);
        System.arraycopy(clickCategory, 0, encoded.sessionCategory(), at, position);
        System.arraycopy(clickBrand, 0, encoded.sessionBrand(), at, position);
        System.arraycopy(clickShop, 0, encoded.sessionShop(), at, position);
        for (int i = position; i < n; i++) {
            encoder.encodeBehavior(
                    session.get(i),
                    at + i,
                    encoded.sessionItem(),
                    encoded.sessionCategory(),
                    encoded.sessionBrand(),
                    encoded.sessionShop());
        }
        encoded.sessionLength()[row] = n;
        int l = encoded.maxHistory();
        System.arraycopy(historyItem, 0, encoded.historyItem(), row * l, l);
        System.arraycopy(historyCategory, 0, encoded.historyCategory(), row * l, l);
        System.arraycopy(historyBrand, 0, encoded.historyBrand(), row * l, l);
        System.arraycopy(historyShop, 0, encoded.historyShop(), row * l, l);
        encoded.historyLength()[row] = historyLength;
        encoded.user()[row] = user;
        int slots = encoded.profileSlots();
        System.arraycopy(profile, 0, encoded.profile(), row * slots, slots);
        return n - position;
    }

    /**
     * Takes the state after the last click of {@code session} from a prefix run's row {@code row}
     * ({@link PrefixRunner}): this state, fresh, then continues that session as if it had been
     * stepped through it. The run's tower may be narrower than {@code maxRows} (T), the most rows
     * this state holds.
     */
    void takePrefix(
            PrefixRunner.Outputs out,
            EncodedBatch encoded,
            int row,
            List<Behavior> session,
            int heads,
            int maxRows) {
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
        int at = row * encoded.maxSession();
        clickItem = Arrays.copyOfRange(encoded.sessionItem(), at, at + capacity);
        clickCategory = Arrays.copyOfRange(encoded.sessionCategory(), at, at + capacity);
        clickBrand = Arrays.copyOfRange(encoded.sessionBrand(), at, at + capacity);
        clickShop = Arrays.copyOfRange(encoded.sessionShop(), at, at + capacity);
        for (int hh = 0; hh < heads; hh++) {
            int from = (row * heads + hh) * out.width * k;
            out.keys.get(from, keys, hh * capacity * k, n * k);
            out.values.get(from, values, hh * capacity * k, n * k);
        }
        out.h.get(row * d, h, 0, d);
        out.c.get(row * d, c, 0, d);
        out.poolAcc.get(row * d, poolAcc, 0, d);
        poolMax = out.poolMax.get(row);
        poolSum = out.poolSum.get(row);
        vector = new float[d];
        out.vectors.get((row * out.width + n - 1) * d, vector, 0, d);
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
                        + 4L * historyItem.length
                        + 4L * clickItem.length
                        + (sessionValues == null ? 0 : (long) sessionValues.length * dimension)
                        + profile.length;
        return OVERHEAD_BYTES
                + 4 * numbers
                + 2L
                        * ((userId == null ? 0 : userId.length())
                                + (sessionId == null ? 0 : sessionId.length()));
    }
}
