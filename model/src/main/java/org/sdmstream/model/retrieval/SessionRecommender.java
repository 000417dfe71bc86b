package org.sdmstream.model.retrieval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.UserVectorModel;

/**
 * Offline, what the stream emits as {@code UserRecommendations}: for each model input (a user's
 * session so far and history), the model's user vector and its {@code k} best items in an {@link
 * ItemIndex}, without the session's own items when {@code excludeSession}. Used by {@code sdm
 * recommend}, the demo and the stream's parity test.
 */
public final class SessionRecommender {

    /** Inputs per model call: bounds tensor memory, amortises the call. */
    static final int BATCH = 256;

    private final UserVectorModel model;
    private final ItemIndex index;
    private final int k;
    private final boolean excludeSession;

    public SessionRecommender(
            UserVectorModel model, ItemIndex index, int k, boolean excludeSession) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        this.model = model;
        this.index = index;
        this.k = k;
        this.excludeSession = excludeSession;
    }

    /** One result per input, in input order. */
    public List<ItemIndex.TopItems> recommend(List<ModelInput> inputs) {
        List<ItemIndex.TopItems> out = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += BATCH) {
            List<ModelInput> chunk = inputs.subList(from, Math.min(inputs.size(), from + BATCH));
            List<Set<String>> excluded =
                    excludeSession
                            ? chunk.stream().map(SessionRecommender::sessionItems).toList()
                            : null;
            out.addAll(index.topK(model.userVectors(chunk), k, excluded));
        }
        return out;
    }

    /** The item ids clicked so far in the input's session. */
    public static Set<String> sessionItems(ModelInput input) {
        Set<String> items = new HashSet<>();
        for (Behavior b : input.session()) {
            items.add(b.itemId());
        }
        return items;
    }
}
