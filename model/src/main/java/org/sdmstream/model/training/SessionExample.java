package org.sdmstream.model.training;

import java.util.List;

import org.sdmstream.features.ModelInput;

/**
 * One session as training data: the whole session as a model input, and for each click the item
 * clicked next (null when unknown). Because the tower is causal, position t of one forward pass is
 * exactly the sample "session prefix up to click t + the session's history -> next click".
 */
public record SessionExample(ModelInput input, List<String> nextItems) {

    public SessionExample {
        nextItems = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(nextItems));
        if (nextItems.size() != input.session().size()) {
            throw new IllegalArgumentException("session of " + input.session().size() + " clicks needs as many labels, got "
                    + nextItems.size());
        }
    }

    /** Number of positions with a label. */
    public int labelled() {
        return (int) nextItems.stream().filter(java.util.Objects::nonNull).count();
    }
}
