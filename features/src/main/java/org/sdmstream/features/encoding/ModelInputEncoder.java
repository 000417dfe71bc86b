package org.sdmstream.features.encoding;

import java.util.List;
import java.util.Map;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;

/**
 * The one place that turns {@link ModelInput}s into the model's input arrays (vocabulary look-up,
 * truncation, padding), used alike by training, offline evaluation and the streaming scorer.
 *
 * <p>A session longer than {@code maxSession} keeps its most recent clicks (the model's vector is
 * the one after the newest click); a history longer than {@code maxHistory} keeps its most recent
 * behaviours. Absent side features and unseen values map to {@link Vocabulary#UNKNOWN}; a missing
 * profile attribute leaves its slot at {@link Vocabulary#PADDING} (contributes nothing).
 */
public final class ModelInputEncoder {

    private final FeatureVocabularies vocabularies;
    private final int maxSession;
    private final int maxHistory;

    public ModelInputEncoder(FeatureVocabularies vocabularies, int maxSession, int maxHistory) {
        if (maxSession < 1) {
            throw new IllegalArgumentException("maxSession must be >= 1, got " + maxSession);
        }
        if (maxHistory < 1) {
            throw new IllegalArgumentException("maxHistory must be >= 1, got " + maxHistory);
        }
        this.vocabularies = vocabularies;
        this.maxSession = maxSession;
        this.maxHistory = maxHistory;
    }

    public EncodedBatch encode(List<ModelInput> inputs) {
        EncodedBatch batch = allocate(inputs.size());
        for (int b = 0; b < inputs.size(); b++) {
            encodeRow(inputs.get(b), batch, b);
        }
        return batch;
    }

    /** A batch of {@code n} rows, all padding, for {@link #encodeRow} to fill. */
    public EncodedBatch allocate(int n) {
        int slots = vocabularies.profileSlots();
        return new EncodedBatch(
                n,
                maxSession,
                maxHistory,
                slots,
                new int[n * maxSession],
                new int[n * maxSession],
                new int[n * maxSession],
                new int[n * maxSession],
                new int[n],
                new int[n * maxHistory],
                new int[n * maxHistory],
                new int[n * maxHistory],
                new int[n * maxHistory],
                new int[n],
                new int[n],
                new int[n * slots]);
    }

    /**
     * Encodes {@code in} into row {@code b} of {@code batch}, as {@link #encode} does; returns how
     * many behaviours it looked up (kept session clicks plus kept history).
     */
    public int encodeRow(ModelInput in, EncodedBatch batch, int b) {
        requireClicks(in, b);
        int session =
                fill(
                        in.session(),
                        maxSession,
                        b,
                        batch.sessionItem(),
                        batch.sessionCategory(),
                        batch.sessionBrand(),
                        batch.sessionShop());
        batch.sessionLength()[b] = session;
        int history =
                fill(
                        in.history(),
                        maxHistory,
                        b,
                        batch.historyItem(),
                        batch.historyCategory(),
                        batch.historyBrand(),
                        batch.historyShop());
        batch.historyLength()[b] = history;
        batch.user()[b] = encodeUser(in.userId());
        encodeProfile(in.profile(), batch.profile(), b * batch.profileSlots());
        return session + history;
    }

    // Parts of one input, for the streaming scorer, which encodes only what changed since the
    // user's previous
    // click (the new click, the profile) and keeps the rest. Same look-ups and truncation as
    // encode().

    /**
     * @throws IllegalArgumentException when input {@code index} has an empty session: every input
     *     ends with the click that triggered it
     */
    public static void requireClicks(ModelInput in, int index) {
        if (in.session().isEmpty()) {
            throw new IllegalArgumentException(
                    "model input "
                            + index
                            + " (user "
                            + in.userId()
                            + ") has an empty session: every input must end with the click that triggered it");
        }
    }

    /** The user's vocabulary id. */
    public int encodeUser(String userId) {
        return vocabularies.users().indexOf(userId);
    }

    /** Writes item, category, brand and shop ids of {@code x} to {@code item[at]} etc. */
    public void encodeBehavior(
            Behavior x, int at, int[] item, int[] category, int[] brand, int[] shop) {
        item[at] = vocabularies.items().indexOf(x.itemId());
        category[at] = vocabularies.categories().indexOf(x.categoryId());
        brand[at] = vocabularies.brands().indexOf(x.brandId());
        shop[at] = vocabularies.shops().indexOf(x.shopId());
    }

    /**
     * Encodes a history into arrays of length {@link #maxHistory()} (the most recent behaviours,
     * padded at the end); returns the encoded length.
     */
    public int encodeHistory(
            List<Behavior> history, int[] item, int[] category, int[] brand, int[] shop) {
        return fill(history, maxHistory, 0, item, category, brand, shop);
    }

    /** The profile's slot ids, {@link FeatureVocabularies#profileSlots()} of them. */
    public int[] encodeProfile(Map<String, String> profile) {
        int[] out = new int[vocabularies.profileSlots()];
        encodeProfile(profile, out, 0);
        return out;
    }

    /**
     * Next-item labels aligned with the encoded session positions: {@code nextItems.get(b).get(i)}
     * is the item clicked after click {@code i} of input {@code b}'s session (null when there is
     * none), truncated like the session. Returns item rows [B, maxSession] with {@link
     * Vocabulary#PADDING} where no label exists.
     */
    public int[] encodeLabels(List<ModelInput> inputs, List<List<String>> nextItems) {
        if (inputs.size() != nextItems.size()) {
            throw new IllegalArgumentException(
                    inputs.size() + " inputs but " + nextItems.size() + " label lists");
        }
        int[] labels = new int[inputs.size() * maxSession];
        for (int b = 0; b < inputs.size(); b++) {
            List<String> next = nextItems.get(b);
            int sessionSize = inputs.get(b).session().size();
            if (next.size() != sessionSize) {
                throw new IllegalArgumentException(
                        "input "
                                + b
                                + " has "
                                + sessionSize
                                + " clicks but "
                                + next.size()
                                + " labels");
            }
            int from = Math.max(0, sessionSize - maxSession);
            for (int i = from; i < sessionSize; i++) {
                String item = next.get(i);
                labels[b * maxSession + i - from] =
                        item == null ? Vocabulary.PADDING : vocabularies.items().indexOf(item);
            }
        }
        return labels;
    }

    private int fill(
            List<Behavior> seq,
            int width,
            int b,
            int[] item,
            int[] category,
            int[] brand,
            int[] shop) {
        int from = Math.max(0, seq.size() - width);
        int len = seq.size() - from;
        for (int i = 0; i < len; i++) {
            encodeBehavior(seq.get(from + i), b * width + i, item, category, brand, shop);
        }
        return len;
    }

    private void encodeProfile(Map<String, String> profile, int[] out, int offset) {
        List<String> attributes = vocabularies.profileAttributes();
        for (int j = 0; j < attributes.size(); j++) {
            String value = profile.get(attributes.get(j));
            out[offset + j] =
                    value == null
                            ? Vocabulary.PADDING
                            : vocabularies
                                    .profileValues()
                                    .indexOf(
                                            FeatureVocabularies.profileToken(
                                                    attributes.get(j), value));
        }
    }

    public FeatureVocabularies vocabularies() {
        return vocabularies;
    }

    public int maxSession() {
        return maxSession;
    }

    public int maxHistory() {
        return maxHistory;
    }
}
