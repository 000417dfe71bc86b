package org.sdmstream.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.retrieval.ItemIndex;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.records.UserRecommendations;
import org.sdmstream.wire.FloatArrayList;

/**
 * The one place that converts between the Kafka records (Avro, sdm-schemas) and the session rules'
 * records (plain Java, sdm-features): ClickEvent to Click and back, ModelInput to SessionFeatures
 * and back, SessionFeatures plus a scored vector to UserInterestVector, plus the vector's top items
 * to UserRecommendations.
 */
public final class FeatureRecords {

    private FeatureRecords() {}

    /** The click the session rules see. */
    public static Click toClick(ClickEvent e) {
        // Null means "unknown" on the wire and in the features; ClickEvent v2 wrote an empty string
        // instead.
        String category =
                e.getCategoryId() == null || e.getCategoryId().isEmpty() ? null : e.getCategoryId();
        Behavior behavior =
                new Behavior(
                        e.getItemId(),
                        category,
                        e.getBrandId(),
                        e.getShopId(),
                        e.getEventTime().toEpochMilli());
        Map<String, String> profile =
                e.getProfile() == null ? Map.of() : Map.copyOf(e.getProfile());
        return new Click(e.getUserId(), e.getSessionId(), behavior, profile);
    }

    /** The wire record of a click (an empty profile is written as absent). */
    public static ClickEvent toClickEvent(Click c) {
        Behavior b = c.behavior();
        return ClickEvent.newBuilder()
                .setUserId(c.userId())
                .setItemId(b.itemId())
                .setCategoryId(b.categoryId())
                .setBrandId(b.brandId())
                .setShopId(b.shopId())
                .setSessionId(c.clientSessionId())
                .setEventTime(Instant.ofEpochMilli(b.eventTime()))
                .setProfile(c.profile().isEmpty() ? null : new HashMap<>(c.profile()))
                .build();
    }

    /**
     * The per-click record of the session-features topic. Its clicks and history are views of
     * {@code input}'s ({@link BehaviorRecordView}), so {@link #toModelInput} of this record returns
     * {@code input} itself while the record still holds them and the same other fields.
     */
    public static SessionFeatures toSessionFeatures(ModelInput input, long emissionTimeMillis) {
        return SessionFeatures.newBuilder()
                .setUserId(input.userId())
                .setSessionId(input.sessionId())
                .setPosition(input.position())
                .setSessionClicks(new BehaviorRecordView(input, input.session()))
                .setHistory(new BehaviorRecordView(input, input.history()))
                .setProfile(new HashMap<>(input.profile()))
                .setEventTime(Instant.ofEpochMilli(input.eventTime()))
                .setEmissionTime(Instant.ofEpochMilli(emissionTimeMillis))
                .build();
    }

    /**
     * Back to the model input, e.g. when training samples are cut from the logged topic, or in the
     * scorer: a record {@link #toSessionFeatures} made in this JVM gives back its model input
     * without a copy.
     */
    public static ModelInput toModelInput(SessionFeatures f) {
        if (f.getSessionClicks() instanceof BehaviorRecordView clicks
                && f.getHistory() instanceof BehaviorRecordView history
                && clicks.origin() == history.origin()
                && clicks.isSession()
                && history.isHistory()
                && describes(f, clicks.origin())) {
            return clicks.origin();
        }
        return new ModelInput(
                f.getUserId(),
                f.getSessionId(),
                toBehaviors(f.getSessionClicks()),
                toBehaviors(f.getHistory()),
                f.getProfile(),
                f.getEventTime().toEpochMilli());
    }

    /** Whether the fields of {@code f} other than clicks and history are {@code input}'s. */
    private static boolean describes(SessionFeatures f, ModelInput input) {
        return input.userId().equals(f.getUserId())
                && Objects.equals(input.sessionId(), f.getSessionId())
                && f.getEventTime() != null
                && f.getEventTime().toEpochMilli() == input.eventTime()
                && input.profile().equals(f.getProfile());
    }

    /**
     * The record of the user-vectors topic: the vector scored from {@code input}, which it
     * describes.
     */
    public static UserInterestVector toUserInterestVector(
            SessionFeatures input, float[] vector, String modelVersion, long emissionTimeMillis) {
        return UserInterestVector.newBuilder()
                .setUserId(input.getUserId())
                .setVector(new FloatArrayList(vector))
                .setModelVersion(modelVersion)
                .setSessionId(input.getSessionId())
                .setSessionLength(input.getSessionClicks().size())
                .setLongTermLength(input.getHistory().size())
                .setEventTime(input.getEventTime())
                .setEmissionTime(Instant.ofEpochMilli(emissionTimeMillis))
                .build();
    }

    /**
     * The record of the recommendations topic: {@code top}, searched for the vector scored from
     * {@code input}.
     */
    public static UserRecommendations toUserRecommendations(
            SessionFeatures input,
            ItemIndex.TopItems top,
            String modelVersion,
            long emissionTimeMillis) {
        List<Float> scores = new ArrayList<>(top.scores().length);
        for (float s : top.scores()) {
            scores.add(s);
        }
        return UserRecommendations.newBuilder()
                .setUserId(input.getUserId())
                .setItemIds(new ArrayList<>(top.itemIds()))
                .setScores(scores)
                .setModelVersion(modelVersion)
                .setSessionId(input.getSessionId())
                .setSessionPosition(input.getPosition())
                .setEventTime(input.getEventTime())
                .setEmissionTime(Instant.ofEpochMilli(emissionTimeMillis))
                .build();
    }

    /** The vector of a user-vectors record as a plain array. */
    public static float[] vectorOf(UserInterestVector v) {
        if (v.getVector() instanceof FloatArrayList floats) {
            return floats.toFloatArray();
        }
        float[] out = new float[v.getVector().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.getVector().get(i);
        }
        return out;
    }

    public static BehaviorRecord toRecord(Behavior b) {
        return new BehaviorRecord(
                b.itemId(),
                b.categoryId(),
                b.brandId(),
                b.shopId(),
                Instant.ofEpochMilli(b.eventTime()));
    }

    public static Behavior toBehavior(BehaviorRecord r) {
        return new Behavior(
                r.getItemId(),
                r.getCategoryId(),
                r.getBrandId(),
                r.getShopId(),
                r.getEventTime().toEpochMilli());
    }

    private static List<Behavior> toBehaviors(List<BehaviorRecord> records) {
        List<Behavior> out = new ArrayList<>(records.size());
        for (BehaviorRecord r : records) {
            out.add(toBehavior(r));
        }
        return out;
    }
}
