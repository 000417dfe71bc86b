package org.sdmstream.cli.recommend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.UserTimeline;
import org.sdmstream.model.retrieval.ItemIndex;
import org.sdmstream.model.retrieval.SessionRecommender;

/**
 * Replays a click log per user in event-time order through the session rules ({@link UserTimeline},
 * as the stream does) and recommends after every click, or only after each user's last click: the
 * offline counterpart of the job's {@code UserRecommendations}.
 */
public final class ClickRecommendations {

    /** The model input after one click and its top items. */
    public record Recommended(ModelInput input, ItemIndex.TopItems top) {}

    private ClickRecommendations() {}

    /**
     * @param everyClick one result per click (what the stream emits) instead of one per user after
     *     the user's last click
     * @param users only these users (in the log's order); empty for all
     */
    public static List<Recommended> of(
            List<Click> clicks,
            SessionRules rules,
            SessionRecommender recommender,
            boolean everyClick,
            List<String> users) {
        Map<String, List<Click>> byUser = OfflineSessionizer.byUserInTimeOrder(clicks);
        List<ModelInput> inputs = new ArrayList<>();
        for (String user : users.isEmpty() ? List.copyOf(byUser.keySet()) : users) {
            List<Click> userClicks = byUser.get(user);
            if (userClicks == null) {
                continue;
            }
            UserTimeline timeline = new UserTimeline();
            for (int i = 0; i < userClicks.size(); i++) {
                timeline.accept(user, userClicks.get(i), rules);
                if (everyClick || i == userClicks.size() - 1) {
                    inputs.add(timeline.modelInput(user));
                }
            }
        }
        List<ItemIndex.TopItems> top = recommender.recommend(inputs);
        List<Recommended> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            out.add(new Recommended(inputs.get(i), top.get(i)));
        }
        return out;
    }
}
