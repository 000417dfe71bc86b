package org.sdmstream.job.sessionizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.UserTimeline;

/**
 * The sessionizer's legacy state format v1 (release 0.1), kept so that its checkpoints and
 * savepoints restore: the snapshots hand these serializers to the state backend, which reads every
 * value with them and rewrites it in the current format. They also write v1 (the format's
 * golden-bytes test and the migration test produce genuine v1 state with them); the job itself
 * never does.
 *
 * <p>Format v1: strings with Flink's {@code StringValue} (null-safe, char-wise varints); timeline:
 * history and session (count, behaviours with zigzag time deltas across both lists), last client
 * session id, last event time and session start as 8-byte longs, same-start index, profile; pending
 * clicks: count, then per click user id, client session id, behaviour, profile.
 */
public final class StateFormatV1 {

    private StateFormatV1() {}

    /** Reads and writes a {@link UserTimeline} in format v1. */
    public static final class TimelineSerializer extends StateSerializer<UserTimeline> {

        private static final long serialVersionUID = 1L;

        public static final TimelineSerializer INSTANCE = new TimelineSerializer();

        @Override
        public UserTimeline createInstance() {
            return new UserTimeline();
        }

        @Override
        public UserTimeline copy(UserTimeline from) {
            return UserTimelineSerializer.copyOf(from);
        }

        @Override
        public void serialize(UserTimeline t, DataOutputView out) throws IOException {
            long last = writeBehaviors(t.history(), 0L, out);
            writeBehaviors(t.session(), last, out);
            StringValue.writeString(t.lastClientSessionId(), out);
            out.writeLong(t.lastEventTime());
            out.writeLong(t.sessionStart());
            StateIO.writeVarInt(t.sameStartIndex(), out);
            writeProfile(t.profile(), out);
        }

        @Override
        public UserTimeline deserialize(DataInputView in) throws IOException {
            List<Behavior> history = new ArrayList<>();
            long last = readBehaviors(history, 0L, in);
            List<Behavior> session = new ArrayList<>();
            readBehaviors(session, last, in);
            String lastClientSessionId = StringValue.readString(in);
            long lastEventTime = in.readLong();
            long sessionStart = in.readLong();
            int sameStartIndex = StateIO.readVarInt(in);
            return new UserTimeline(
                    history,
                    session,
                    lastClientSessionId,
                    lastEventTime,
                    sessionStart,
                    sameStartIndex,
                    readProfile(in));
        }

        @Override
        public TypeSerializerSnapshot<UserTimeline> snapshotConfiguration() {
            return new org.sdmstream.job.functions.UserTimelineSerializer.Snapshot(
                    StateFormatSnapshot.FORMAT_V1);
        }
    }

    /** Reads and writes {@link PendingClicks} in format v1. */
    public static final class PendingSerializer extends StateSerializer<PendingClicks> {

        private static final long serialVersionUID = 1L;

        public static final PendingSerializer INSTANCE = new PendingSerializer();

        @Override
        public PendingClicks createInstance() {
            return new PendingClicks();
        }

        @Override
        public PendingClicks copy(PendingClicks from) {
            return PendingClicksSerializer.INSTANCE.copy(from);
        }

        @Override
        public void serialize(PendingClicks p, DataOutputView out) throws IOException {
            List<Click> clicks = p.clicks();
            StateIO.writeVarInt(clicks.size(), out);
            long prev = 0L;
            for (Click c : clicks) {
                StringValue.writeString(c.userId(), out);
                StringValue.writeString(c.clientSessionId(), out);
                prev = writeBehaviors(List.of(c.behavior()), prev, out);
                writeProfile(c.profile(), out);
            }
        }

        @Override
        public PendingClicks deserialize(DataInputView in) throws IOException {
            int n = StateIO.readVarInt(in);
            ArrayList<Click> clicks = new ArrayList<>(Math.max(4, n));
            long prev = 0L;
            List<Behavior> one = new ArrayList<>(1);
            for (int i = 0; i < n; i++) {
                String userId = StringValue.readString(in);
                String clientSessionId = StringValue.readString(in);
                one.clear();
                prev = readBehaviors(one, prev, in);
                if (one.size() != 1) {
                    throw new IOException(
                            "corrupt pending-clicks state: "
                                    + one.size()
                                    + " behaviours in one click");
                }
                clicks.add(new Click(userId, clientSessionId, one.get(0), readProfile(in)));
            }
            return new PendingClicks(clicks);
        }

        @Override
        public TypeSerializerSnapshot<PendingClicks> snapshotConfiguration() {
            return new org.sdmstream.job.functions.PendingClicksSerializer.Snapshot(
                    StateFormatSnapshot.FORMAT_V1);
        }
    }

    private static long writeBehaviors(
            List<Behavior> behaviors, long previousTime, DataOutputView out) throws IOException {
        StateIO.writeVarInt(behaviors.size(), out);
        long prev = previousTime;
        for (Behavior b : behaviors) {
            StringValue.writeString(b.itemId(), out);
            StringValue.writeString(b.categoryId(), out);
            StringValue.writeString(b.brandId(), out);
            StringValue.writeString(b.shopId(), out);
            StateIO.writeZigZag(b.eventTime() - prev, out);
            prev = b.eventTime();
        }
        return prev;
    }

    private static long readBehaviors(List<Behavior> into, long previousTime, DataInputView in)
            throws IOException {
        int n = StateIO.readVarInt(in);
        long prev = previousTime;
        for (int i = 0; i < n; i++) {
            String item = StringValue.readString(in);
            String category = StringValue.readString(in);
            String brand = StringValue.readString(in);
            String shop = StringValue.readString(in);
            prev += StateIO.readZigZag(in);
            into.add(new Behavior(item, category, brand, shop, prev));
        }
        return prev;
    }

    private static void writeProfile(Map<String, String> profile, DataOutputView out)
            throws IOException {
        StateIO.writeVarInt(profile.size(), out);
        for (Map.Entry<String, String> e : profile.entrySet()) {
            StringValue.writeString(e.getKey(), out);
            StringValue.writeString(e.getValue(), out);
        }
    }

    private static Map<String, String> readProfile(DataInputView in) throws IOException {
        int n = StateIO.readVarInt(in);
        if (n == 0) {
            return Map.of();
        }
        Map<String, String> profile = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            profile.put(StringValue.readString(in), StringValue.readString(in));
        }
        return profile;
    }
}
