package org.sdmstream.job.scoring;

import java.util.HashSet;
import java.util.Set;

/**
 * Tells a broken model from inputs it refuses. A broken model throws on every input, so when the inputs
 * refused since the last one scored come from {@link #BROKEN_MODEL_USERS} different users, the model is
 * taken as broken. Counted in users, not batches: at low load a batch is often one click, and one user's
 * odd input (a profile, a history) makes that user's next clicks fail too.
 */
final class RefusalRun {

    /** Different users refused in a row, with no input scored in between, that mark the model as broken. */
    static final int BROKEN_MODEL_USERS = 10;

    private final Set<String> users = new HashSet<>();

    /** An input was scored: the model works, whatever it refused before. */
    void scored() {
        users.clear();
    }

    /** An input of {@code user} was refused; true when the model is now taken as broken. */
    boolean refused(String user) {
        users.add(user);
        return users.size() >= BROKEN_MODEL_USERS;
    }

    /** Different users refused since the last input scored. */
    int users() {
        return users.size();
    }
}
