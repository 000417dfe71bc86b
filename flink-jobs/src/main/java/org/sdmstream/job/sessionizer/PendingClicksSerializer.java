package org.sdmstream.job.sessionizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;

/**
 * Checkpoint format of a user's {@link PendingClicks}. State in format v1 is read by {@link
 * StateFormatV1} and migrated on restore.
 *
 * <p>Format v2 (a length-framed body; strings and behaviours as in {@link StateIO}): count, then
 * per click a flags byte, the user id unless it equals the previous click's, the client session id,
 * the behaviour (time delta-encoded to the previous click) and the profile unless it equals the
 * previous click's. A user's buffered clicks nearly always share both (they are keyed by user and
 * clients send the same profile with every click), and v1's repeated profiles were most of the
 * bytes and decoding time.
 */
public final class PendingClicksSerializer extends StateSerializer<PendingClicks> {

    private static final long serialVersionUID = 1L;

    public static final PendingClicksSerializer INSTANCE = new PendingClicksSerializer();

    private static final int SAME_USER = 1;
    private static final int SAME_PROFILE = 2;

    @Override
    public PendingClicks createInstance() {
        return new PendingClicks();
    }

    @Override
    public PendingClicks copy(PendingClicks from) {
        return new PendingClicks(new ArrayList<>(from.clicks())); // Click is immutable
    }

    @Override
    public void serialize(PendingClicks p, DataOutputView out) throws IOException {
        List<Click> clicks = p.clicks();
        int n = clicks.size();
        StateIO.Writer w = new StateIO.Writer(16 + 48 * n);
        w.writeVarInt(n);
        long prevTime = 0L;
        Click prev = null;
        for (int i = 0; i < n; i++) {
            Click c = clicks.get(i);
            boolean sameUser = prev != null && prev.userId().equals(c.userId());
            boolean sameProfile = prev != null && prev.profile().equals(c.profile());
            w.writeByte((sameUser ? SAME_USER : 0) | (sameProfile ? SAME_PROFILE : 0));
            if (!sameUser) {
                w.writeString(c.userId());
            }
            w.writeString(c.clientSessionId());
            prevTime = w.writeBehavior(c.behavior(), prevTime);
            if (!sameProfile) {
                w.writeProfile(c.profile());
            }
            prev = c;
        }
        w.writeTo(out);
    }

    @Override
    public PendingClicks deserialize(DataInputView in) throws IOException {
        StateIO.Reader r = StateIO.Reader.readFrom(in);
        int n = r.readVarInt();
        ArrayList<Click> clicks = new ArrayList<>(Math.max(4, Math.min(n, 1024)));
        long prevTime = 0L;
        String userId = null;
        Map<String, String> profile = null;
        for (int i = 0; i < n; i++) {
            int flags = r.readUnsignedByte();
            if ((flags & ~(SAME_USER | SAME_PROFILE)) != 0 || (i == 0 && flags != 0)) {
                throw new IOException(
                        "corrupt pending-clicks state: flags " + flags + " at click " + i);
            }
            if ((flags & SAME_USER) == 0) {
                userId = r.readString();
                if (userId == null) {
                    throw new IOException(
                            "corrupt pending-clicks state: click " + i + " without a user id");
                }
            }
            String clientSessionId = r.readString();
            Behavior behavior = r.readBehavior(prevTime);
            prevTime = behavior.eventTime();
            if ((flags & SAME_PROFILE) == 0) {
                profile = r.readProfile();
            }
            // Clicks with equal profiles share one map: profiles are never modified (they come in
            // as Map.copyOf).
            clicks.add(new Click(userId, clientSessionId, behavior, profile));
        }
        r.finish();
        return new PendingClicks(clicks);
    }

    @Override
    public TypeSerializerSnapshot<PendingClicks> snapshotConfiguration() {
        return new org.sdmstream.job.functions.PendingClicksSerializer.Snapshot();
    }
}
