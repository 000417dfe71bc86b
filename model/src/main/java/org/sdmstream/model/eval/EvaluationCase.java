package org.sdmstream.model.eval;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.sdmstream.features.ModelInput;

/**
 * One user's question to a recommender in an evaluation: the model input built from the user's
 * clicks before the held-out ones, the held-out items (the relevant set), and every item the user
 * clicked before them (what {@code --exclude-seen} removes from the ranking).
 */
public record EvaluationCase(
        String userId, ModelInput input, List<String> heldOutItems, Set<String> seenItems) {

    public EvaluationCase {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(input, "input");
        heldOutItems = List.copyOf(heldOutItems);
        seenItems = Set.copyOf(seenItems);
        if (heldOutItems.isEmpty()) {
            throw new IllegalArgumentException("user " + userId + " has no held-out item");
        }
    }
}
