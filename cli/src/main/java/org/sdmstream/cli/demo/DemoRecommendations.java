package org.sdmstream.cli.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdmstream.cli.recommend.ClickRecommendations;
import org.sdmstream.cli.recommend.ItemTitles;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.SessionRules;
import org.sdmstream.model.retrieval.IndexKind;
import org.sdmstream.model.retrieval.ItemIndex;
import org.sdmstream.model.retrieval.SessionRecommender;
import org.sdmstream.model.scoring.SdmScorer;

/**
 * The demo's last table: for the three most active users, their last clicks and their top items
 * after the last one, so a person can judge what the vectors mean (by title on MovieLens). Computed
 * with the same pieces as the job's {@code UserRecommendations} ({@link ClickRecommendations}),
 * from the clicks the demo replayed, which it records as they are sent.
 */
final class DemoRecommendations {

    static final int USERS = 3;
    static final int LAST_CLICKS = 5;
    static final int K = 10;

    private final List<Click> replayed = new ArrayList<>();

    /** {@code clicks}, recorded as they are read. */
    Iterator<Click> recording(Iterator<Click> clicks) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return clicks.hasNext();
            }

            @Override
            public Click next() {
                Click c = clicks.next();
                synchronized (replayed) {
                    replayed.add(c);
                }
                return c;
            }
        };
    }

    void print(PrintWriter out, Path modelDir, SessionRules rules, ItemTitles titles) {
        List<Click> clicks;
        synchronized (replayed) {
            clicks = List.copyOf(replayed);
        }
        // The users with the most clicks (first seen first among equals): a few clicks say more
        // than one.
        Map<String, Integer> counts = new LinkedHashMap<>();
        clicks.forEach(c -> counts.merge(c.userId(), 1, Integer::sum));
        List<String> users =
                counts.entrySet().stream()
                        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                        .map(Map.Entry::getKey)
                        .limit(USERS)
                        .toList();
        if (users.isEmpty()) {
            return;
        }
        try (SdmScorer scorer = SdmScorer.load(modelDir)) {
            SessionRecommender recommender =
                    new SessionRecommender(
                            scorer, ItemIndex.load(modelDir, IndexKind.AUTO), K, true);
            out.println();
            out.printf(
                    "Recommendations (top %d after the last click, this session's items excluded; the job wrote the"
                            + " same per click to topic recommendations):%n",
                    K);
            for (ClickRecommendations.Recommended r :
                    ClickRecommendations.of(clicks, rules, recommender, false, users)) {
                out.printf("%n  user %s%n    last clicks:%n", r.input().userId());
                List<Behavior> session = r.input().session();
                List<Behavior> recent = new ArrayList<>(r.input().history());
                recent.addAll(session);
                for (Behavior b :
                        recent.subList(Math.max(0, recent.size() - LAST_CLICKS), recent.size())) {
                    out.printf("      %s%n", titles.label(b.itemId()));
                }
                out.println("    top items:");
                for (int i = 0; i < r.top().itemIds().size(); i++) {
                    out.printf(
                            "      %2d. %-50s %8.3f%n",
                            i + 1, titles.label(r.top().itemIds().get(i)), r.top().scores()[i]);
                }
            }
            out.flush();
        }
    }
}
