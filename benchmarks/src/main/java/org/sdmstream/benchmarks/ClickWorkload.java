package org.sdmstream.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;

/**
 * A steady click stream over a fixed set of users, as the scoring operator sees it: every user is
 * in a 50-click session with a 20-behaviour history, users take turns, and each turn is the user's
 * next click (after the 50th, a new session starts). Users start at staggered positions, so a batch
 * mixes positions.
 */
public final class ClickWorkload {

    public static final int SESSION_LENGTH = 50;
    public static final int HISTORY_LENGTH = 20;

    private final List<List<ModelInput>> sessions = new ArrayList<>();
    private final int[] position;
    private int nextUser;

    public ClickWorkload(int users, int items, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        position = new int[users];
        for (int u = 0; u < users; u++) {
            List<Behavior> history = new ArrayList<>();
            for (int j = 0; j < HISTORY_LENGTH; j++) {
                history.add(behavior(r, items, j));
            }
            List<Behavior> clicks = new ArrayList<>();
            List<ModelInput> inputs = new ArrayList<>();
            for (int j = 0; j < SESSION_LENGTH; j++) {
                clicks.add(behavior(r, items, 1_000 + j));
                inputs.add(new ModelInput("u" + u, "s" + u, clicks, history, Map.of(), 1_000 + j));
            }
            sessions.add(inputs);
            position[u] = u % SESSION_LENGTH;
        }
    }

    /**
     * Item ids and side features as {@code ClickGenerator} names them, so most are in the model's
     * vocabulary.
     */
    private static Behavior behavior(SplittableRandom r, int items, long time) {
        int item = r.nextInt(items);
        return new Behavior(
                "i" + item, "c" + r.nextInt(30), "b" + r.nextInt(100), "s" + r.nextInt(100), time);
    }

    /**
     * The next {@code size} clicks, of distinct users when {@code size} is at most the user count.
     */
    public List<ModelInput> next(int size) {
        return next(size, 1);
    }

    /**
     * The next {@code size} clicks in turns of {@code burst} clicks of one user (fewer where the
     * user's session ends first), as a replayed log or a backlog delivers them.
     */
    public List<ModelInput> next(int size, int burst) {
        if (burst < 1) {
            throw new IllegalArgumentException("a burst is at least 1 click, got " + burst);
        }
        List<ModelInput> batch = new ArrayList<>(size);
        while (batch.size() < size) {
            int u = nextUser;
            nextUser = (nextUser + 1) % position.length;
            for (int c = 0; c < burst && batch.size() < size; c++) {
                batch.add(sessions.get(u).get(position[u]));
                position[u] = (position[u] + 1) % SESSION_LENGTH;
                if (position[u] == 0) {
                    break; // the session ended; the user's next click starts another
                }
            }
        }
        return batch;
    }

    /** Every user's current click (not advancing), to warm a cache. */
    public List<ModelInput> current() {
        List<ModelInput> out = new ArrayList<>();
        for (int u = 0; u < position.length; u++) {
            out.add(sessions.get(u).get(position[u]));
        }
        return out;
    }
}
