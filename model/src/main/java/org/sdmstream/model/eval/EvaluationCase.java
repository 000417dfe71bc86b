package org.sdmstream.model.eval;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.sdmstream.features.ModelInput;

/**
 * One user's question to a recommender in an evaluation: the model input built from the user's
 * clicks before the held-out ones, the held-out items (the relevant set), and the items of every
 * click before them in the shared event-time order (what {@code --exclude-seen} removes from the
 * ranking, and the sequence a peer library's model reads when the split is exported).
 *
 * @param priorItems the item of each click before the held-out ones, oldest first, repeats kept
 */
public record EvaluationCase(
        String userId, ModelInput input, List<String> heldOutItems, List<String> priorItems) {

    public EvaluationCase {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(input, "input");
        heldOutItems = List.copyOf(heldOutItems);
        priorItems = List.copyOf(priorItems);
        if (heldOutItems.isEmpty()) {
            throw new IllegalArgumentException("user " + userId + " has no held-out item");
        }
    }

    /** Every item the user clicked before the held-out ones. */
    public Set<String> seenItems() {
        return Set.copyOf(priorItems);
    }
}
