package org.sdmstream.job.functions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;

/**
 * Checkpoint format of a user's {@link PendingClicks}. Format v1: count, then per click the user id,
 * the client session id, the behaviour (time delta-encoded to the previous click) and the profile.
 */
public final class PendingClicksSerializer extends TypeSerializer<PendingClicks> {

    private static final long serialVersionUID = 1L;

    public static final PendingClicksSerializer INSTANCE = new PendingClicksSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<PendingClicks> duplicate() {
        return this;
    }

    @Override
    public PendingClicks createInstance() {
        return new PendingClicks();
    }

    @Override
    public PendingClicks copy(PendingClicks from) {
        return new PendingClicks(new ArrayList<>(from.clicks())); // Click is immutable
    }

    @Override
    public PendingClicks copy(PendingClicks from, PendingClicks reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(PendingClicks p, DataOutputView out) throws IOException {
        List<Click> clicks = p.clicks();
        StateIO.writeVarInt(clicks.size(), out);
        long prev = 0L;
        for (Click c : clicks) {
            StateIO.writeString(c.userId(), out);
            StateIO.writeString(c.clientSessionId(), out);
            prev = StateIO.writeBehaviors(List.of(c.behavior()), prev, out);
            StateIO.writeProfile(c.profile(), out);
        }
    }

    @Override
    public PendingClicks deserialize(DataInputView in) throws IOException {
        int n = StateIO.readVarInt(in);
        ArrayList<Click> clicks = new ArrayList<>(Math.max(4, n));
        long prev = 0L;
        List<Behavior> one = new ArrayList<>(1);
        for (int i = 0; i < n; i++) {
            String userId = StateIO.readString(in);
            String clientSessionId = StateIO.readString(in);
            one.clear();
            prev = StateIO.readBehaviors(one, prev, in);
            if (one.size() != 1) {
                throw new IOException("corrupt pending-clicks state: " + one.size() + " behaviours in one click");
            }
            clicks.add(new Click(userId, clientSessionId, one.get(0), StateIO.readProfile(in)));
        }
        return new PendingClicks(clicks);
    }

    @Override
    public PendingClicks deserialize(PendingClicks reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof PendingClicksSerializer;
    }

    @Override
    public int hashCode() {
        return PendingClicksSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<PendingClicks> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The pending-clicks format version recorded in checkpoints. */
    public static final class Snapshot implements TypeSerializerSnapshot<PendingClicks> {

        static final int FORMAT_V1 = 1;

        private int readVersion = FORMAT_V1;

        public Snapshot() {}

        @Override
        public int getCurrentVersion() {
            return FORMAT_V1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
            if (readVersion != FORMAT_V1) {
                throw new IOException("pending-clicks state format v" + readVersion
                        + " is unknown to this job (it reads v" + FORMAT_V1 + ")");
            }
            this.readVersion = readVersion;
        }

        @Override
        public TypeSerializer<PendingClicks> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<PendingClicks> resolveSchemaCompatibility(
                TypeSerializerSnapshot<PendingClicks> oldSnapshot) {
            if (oldSnapshot instanceof Snapshot old && old.readVersion == FORMAT_V1) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
