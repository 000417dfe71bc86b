package org.sdmstream.job.scoring;

import java.util.HashSet;
import java.util.Set;

/**
 * Tells a broken model from inputs it refuses. A broken model throws on every input, so when {@link
 * #BROKEN_MODEL_INPUTS} inputs in a row are refused, none scored in between, and they come from at
 * least {@link #BROKEN_MODEL_USERS} users, the model is taken as broken. One user's odd input (a
 * profile, a history) fails that user's next clicks too, so a run from fewer users is bad input
 * however long it is. Batches are not what is counted: at low load a batch is often one click.
 */
final class RefusalRun {

    /** Inputs refused in a row, none scored in between, that can mark the model as broken... */
    static final int BROKEN_MODEL_INPUTS = 100;

    /**
     * ... when they come from at least this many users (a subtask sees only its share of the
     * users).
     */
    static final int BROKEN_MODEL_USERS = 3;

    private int inputs;
    private final Set<String> users = new HashSet<>();

    /** An input was scored: the model works, whatever it refused before. */
    void scored() {
        inputs = 0;
        users.clear();
    }

    /** An input of {@code user} was refused; true when the model is now taken as broken. */
    boolean refused(String user) {
        inputs++;
        if (users.size() < BROKEN_MODEL_USERS) {
            users.add(user);
        }
        return inputs >= BROKEN_MODEL_INPUTS && users.size() >= BROKEN_MODEL_USERS;
    }

    /** Inputs refused since the last one scored. */
    int inputs() {
        return inputs;
    }
}
