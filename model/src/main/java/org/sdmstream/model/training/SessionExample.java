package org.sdmstream.model.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.sdmstream.features.ModelInput;

/**
 * One session as training data: the whole session as a model input, and for each click the item
 * clicked next (null when unknown) and the items that may stand in as its training label: the
 * user's next {@code labelWindow} clicks, nearest first (empty when none). Because the tower is
 * causal, position t of one forward pass is exactly the sample "session prefix up to click t + the
 * session's history -> next click".
 */
public record SessionExample(
        ModelInput input, List<String> nextItems, List<List<String>> labelCandidates) {

    public SessionExample {
        nextItems = Collections.unmodifiableList(new ArrayList<>(nextItems));
        if (nextItems.size() != input.session().size()) {
            throw new IllegalArgumentException(
                    "session of "
                            + input.session().size()
                            + " clicks needs as many labels, got "
                            + nextItems.size());
        }
        labelCandidates = labelCandidates.stream().map(List::copyOf).toList();
        if (labelCandidates.size() != nextItems.size()) {
            throw new IllegalArgumentException(
                    "session of "
                            + nextItems.size()
                            + " clicks needs as many candidate lists, got "
                            + labelCandidates.size());
        }
    }

    /** An example whose only label candidate at each position is the next click. */
    public SessionExample(ModelInput input, List<String> nextItems) {
        this(
                input,
                nextItems,
                nextItems.stream().map(i -> i == null ? List.<String>of() : List.of(i)).toList());
    }

    /** Number of positions with a label. */
    public int labelled() {
        return (int) nextItems.stream().filter(Objects::nonNull).count();
    }
}
