package org.sdmstream.job.sessionizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.UserTimeline;

/**
 * Checkpoint format of a user's {@link UserTimeline} (the sessionizer's one value per user),
 * written by hand so that it is compact (UTF-8 strings, varints, delta-encoded times, no class
 * names) and fixed: the bytes are a contract between job versions, guarded by {@link Snapshot}'s
 * format version and golden-bytes tests. State in format v1 is read by {@link StateFormatV1} and
 * migrated.
 *
 * <p>Format v2 (a length-framed body; strings and behaviours as in {@link StateIO}): history
 * (count, behaviours), session (count, behaviours; times delta-encoded across both lists), last
 * client session id, last event time (zigzag delta to the last behaviour's time), session start
 * (zigzag delta to the last event time), same-start index, profile.
 */
public final class UserTimelineSerializer extends StateSerializer<UserTimeline> {

    private static final long serialVersionUID = 1L;

    public static final UserTimelineSerializer INSTANCE = new UserTimelineSerializer();

    @Override
    public UserTimeline createInstance() {
        return new UserTimeline();
    }

    @Override
    public UserTimeline copy(UserTimeline from) {
        return copyOf(from);
    }

    /**
     * A deep copy: behaviours are immutable records, so copying the lists (and the profile) is
     * enough.
     */
    static UserTimeline copyOf(UserTimeline from) {
        return new UserTimeline(
                new ArrayList<>(from.history()),
                new ArrayList<>(from.session()),
                from.lastClientSessionId(),
                from.lastEventTime(),
                from.sessionStart(),
                from.sameStartIndex(),
                from.profile().isEmpty() ? Map.of() : new HashMap<>(from.profile()));
    }

    @Override
    public void serialize(UserTimeline t, DataOutputView out) throws IOException {
        StateIO.Writer w = new StateIO.Writer(64 + 32 * (t.history().size() + t.session().size()));
        long last = w.writeBehaviors(t.history(), 0L);
        last = w.writeBehaviors(t.session(), last);
        w.writeString(t.lastClientSessionId());
        // Differences wrap around for the empty timeline's Long.MIN_VALUE and still round-trip.
        w.writeZigZag(t.lastEventTime() - last);
        w.writeZigZag(t.sessionStart() - t.lastEventTime());
        w.writeVarInt(t.sameStartIndex());
        w.writeProfile(t.profile());
        w.writeTo(out);
    }

    @Override
    public UserTimeline deserialize(DataInputView in) throws IOException {
        StateIO.Reader r = StateIO.Reader.readFrom(in);
        ArrayList<Behavior> history = new ArrayList<>();
        long last = r.readBehaviors(history, 0L);
        ArrayList<Behavior> session = new ArrayList<>();
        last = r.readBehaviors(session, last);
        String lastClientSessionId = r.readString();
        long lastEventTime = last + r.readZigZag();
        long sessionStart = lastEventTime + r.readZigZag();
        int sameStartIndex = r.readVarInt();
        Map<String, String> profile = r.readProfile();
        r.finish();
        return new UserTimeline(
                history,
                session,
                lastClientSessionId,
                lastEventTime,
                sessionStart,
                sameStartIndex,
                profile);
    }

    @Override
    public TypeSerializerSnapshot<UserTimeline> snapshotConfiguration() {
        return new org.sdmstream.job.functions.UserTimelineSerializer.Snapshot();
    }
}
