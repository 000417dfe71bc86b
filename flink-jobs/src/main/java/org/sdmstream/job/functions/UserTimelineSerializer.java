package org.sdmstream.job.functions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.UserTimeline;

/**
 * Checkpoint format of a user's {@link UserTimeline} (the sessionizer's one value per user), written
 * by hand so that it is compact (delta-encoded times, varints, no class names) and fixed: the bytes
 * are a contract between job versions, guarded by {@link Snapshot}'s version and a golden-bytes test.
 *
 * <p>Format v1: history (count, behaviours), session (count, behaviours; times delta-encoded across
 * both lists), last client session id, last event time, session start, same-start index, profile.
 */
public final class UserTimelineSerializer extends TypeSerializer<UserTimeline> {

    private static final long serialVersionUID = 1L;

    public static final UserTimelineSerializer INSTANCE = new UserTimelineSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<UserTimeline> duplicate() {
        return this; // stateless
    }

    @Override
    public UserTimeline createInstance() {
        return new UserTimeline();
    }

    @Override
    public UserTimeline copy(UserTimeline from) {
        // Behaviours are immutable records: copying the lists is a deep copy.
        return new UserTimeline(new ArrayList<>(from.history()), new ArrayList<>(from.session()),
                from.lastClientSessionId(), from.lastEventTime(), from.sessionStart(), from.sameStartIndex(),
                from.profile().isEmpty() ? java.util.Map.of() : new HashMap<>(from.profile()));
    }

    @Override
    public UserTimeline copy(UserTimeline from, UserTimeline reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(UserTimeline t, DataOutputView out) throws IOException {
        long last = StateIO.writeBehaviors(t.history(), 0L, out);
        StateIO.writeBehaviors(t.session(), last, out);
        StateIO.writeString(t.lastClientSessionId(), out);
        out.writeLong(t.lastEventTime());
        out.writeLong(t.sessionStart());
        StateIO.writeVarInt(t.sameStartIndex(), out);
        StateIO.writeProfile(t.profile(), out);
    }

    @Override
    public UserTimeline deserialize(DataInputView in) throws IOException {
        List<Behavior> history = new ArrayList<>();
        long last = StateIO.readBehaviors(history, 0L, in);
        List<Behavior> session = new ArrayList<>();
        StateIO.readBehaviors(session, last, in);
        String lastClientSessionId = StateIO.readString(in);
        long lastEventTime = in.readLong();
        long sessionStart = in.readLong();
        int sameStartIndex = StateIO.readVarInt(in);
        return new UserTimeline(history, session, lastClientSessionId, lastEventTime, sessionStart, sameStartIndex,
                StateIO.readProfile(in));
    }

    @Override
    public UserTimeline deserialize(UserTimeline reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof UserTimelineSerializer;
    }

    @Override
    public int hashCode() {
        return UserTimelineSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<UserTimeline> snapshotConfiguration() {
        return new Snapshot();
    }

    /** What a checkpoint records about the timeline format: its version; restores refuse versions they cannot read. */
    public static final class Snapshot implements TypeSerializerSnapshot<UserTimeline> {

        static final int FORMAT_V1 = 1;

        private int readVersion = FORMAT_V1;

        public Snapshot() {}

        @Override
        public int getCurrentVersion() {
            return FORMAT_V1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // The version (written by Flink) says everything: the serializer has no parameters.
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
            if (readVersion != FORMAT_V1) {
                throw new IOException("UserTimeline state format v" + readVersion
                        + " is unknown to this job (it reads v" + FORMAT_V1 + "); restore with the job version that wrote it");
            }
            this.readVersion = readVersion;
        }

        @Override
        public TypeSerializer<UserTimeline> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<UserTimeline> resolveSchemaCompatibility(
                TypeSerializerSnapshot<UserTimeline> oldSnapshot) {
            if (oldSnapshot instanceof Snapshot old && old.readVersion == FORMAT_V1) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
