package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;

/**
 * The check that the job's session features equal the offline replay of the same clicks through the
 * same rules.
 */
public final class OfflineParity {

    public static final SessionRules RULES = SessionRules.DEFAULT;

    private OfflineParity() {}

    /**
     * Per user in order, every output equals the offline model input of its click, and the record
     * of each session's last click carries the whole session and history of {@link
     * OfflineSessionizer}.
     */
    public static void assertSessionFeaturesMatch(
            List<SessionFeatures> output, List<ClickEvent> validClicksInLogOrder) {
        List<ModelInput> actual = output.stream().map(FeatureRecords::toModelInput).toList();
        List<ModelInput> expected = TestClicks.offlineModelInputs(validClicksInLogOrder, RULES);
        assertThat(actual).hasSize(expected.size());
        Map<String, List<ModelInput>> actualByUser = byUser(actual);
        Map<String, List<ModelInput>> expectedByUser = byUser(expected);
        assertThat(actualByUser.keySet())
                .containsExactlyInAnyOrderElementsOf(expectedByUser.keySet());
        expectedByUser.forEach(
                (user, inputs) ->
                        assertThat(actualByUser.get(user)).as("user " + user).isEqualTo(inputs));

        // The record of each session's last click carries the whole session and its history.
        Map<String, SessionFeatures> lastOfSession = new HashMap<>();
        for (SessionFeatures f : output) {
            lastOfSession.merge(
                    f.getSessionId(), f, (a, b) -> a.getPosition() >= b.getPosition() ? a : b);
        }
        List<Click> clicks = validClicksInLogOrder.stream().map(FeatureRecords::toClick).toList();
        List<Session> sessions = new OfflineSessionizer(RULES).sessionize(clicks);
        assertThat(lastOfSession).hasSize(sessions.size());
        for (Session s : sessions) {
            SessionFeatures f = lastOfSession.get(s.sessionId());
            assertThat(f).as("session " + s.sessionId()).isNotNull();
            assertThat(f.getSessionClicks().stream().map(FeatureRecords::toBehavior).toList())
                    .isEqualTo(s.clicks());
            assertThat(f.getHistory().stream().map(FeatureRecords::toBehavior).toList())
                    .isEqualTo(s.history());
        }
    }

    /**
     * Per user, the model inputs in the order the job emitted them (a user's records share a
     * partition).
     */
    static Map<String, List<ModelInput>> byUser(List<ModelInput> inputs) {
        Map<String, List<ModelInput>> out = new LinkedHashMap<>();
        for (ModelInput m : inputs) {
            out.computeIfAbsent(m.userId(), u -> new ArrayList<>()).add(m);
        }
        return out;
    }
}
