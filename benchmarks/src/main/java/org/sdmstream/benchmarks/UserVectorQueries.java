package org.sdmstream.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;
import org.sdmstream.features.clicklog.ClickLogPreset;
import org.sdmstream.features.clicklog.ClickLogSource;
import org.sdmstream.model.scoring.SdmScorer;

/**
 * Queries that are the job's own user vectors: a model scores a real click log as the stream does
 * (per user in event time, {@link UserTimeline} under the default session rules) and the queries
 * are its vectors after clicks drawn at random from the whole log, so that mid-session vectors
 * count as often as the job emits them. The means of items that {@link ItemTables} draws are a
 * stand-in; an index's recall on these is close to what a consumer of the job's top-K gets (the
 * sweep searches without the job's session exclusions).
 */
final class UserVectorQueries {

    private UserVectorQueries() {}

    /**
     * @param model the exported model that scores (its own table, whatever table is searched)
     * @param datasetDir a data set's directory, read with {@code preset}
     * @param count clicks drawn (without replacement), one query each
     */
    static float[][] of(Path model, Path datasetDir, ClickLogPreset preset, int count, long seed) {
        List<Click> clicks = ClickLogSource.dataset(datasetDir, preset).read().clicks();
        if (count > clicks.size()) {
            throw new IllegalArgumentException(
                    "asked for " + count + " queries from a log of " + clicks.size() + " clicks");
        }
        BitSet drawn = draw(clicks.size(), count, new Random(seed));
        List<ModelInput> inputs = new ArrayList<>(count);
        int position = 0;
        for (Map.Entry<String, List<Click>> user :
                OfflineSessionizer.byUserInTimeOrder(clicks).entrySet()) {
            UserTimeline timeline = new UserTimeline();
            for (Click click : user.getValue()) {
                timeline.accept(user.getKey(), click, SessionRules.DEFAULT);
                if (drawn.get(position++)) {
                    inputs.add(timeline.modelInput(user.getKey()));
                }
            }
        }
        try (SdmScorer scorer = SdmScorer.load(model)) {
            float[][] vectors = new float[inputs.size()][];
            for (int from = 0; from < inputs.size(); from += 256) {
                List<ModelInput> batch = inputs.subList(from, Math.min(inputs.size(), from + 256));
                float[][] scored = scorer.userVectors(batch);
                System.arraycopy(scored, 0, vectors, from, scored.length);
            }
            return vectors;
        }
    }

    /** {@code count} distinct positions of {@code n} (Floyd's sampling). */
    private static BitSet draw(int n, int count, Random random) {
        BitSet drawn = new BitSet(n);
        for (int j = n - count; j < n; j++) {
            int t = random.nextInt(j + 1);
            drawn.set(drawn.get(t) ? j : t);
        }
        return drawn;
    }
}
