package org.sdmstream.wire.fast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.SessionFeatures;

/**
 * The hand-written Avro body writer of {@link SessionFeatures} (session_features.avsc, fields in
 * schema order).
 */
public final class SessionFeaturesWriter implements RecordBodyWriter<SessionFeatures> {

    /** Update only after checking {@link #write} against the changed schema field by field. */
    static final long WRITTEN_FOR_SCHEMA = 0x2a26a9d91b409253L;

    @Override
    public long writtenForSchema() {
        return WRITTEN_FOR_SCHEMA;
    }

    @Override
    public void write(SessionFeatures r, AvroBinaryWriter out) {
        out.writeString(requireNonNull(r.getUserId(), "SessionFeatures.userId is null"));
        out.writeString(requireNonNull(r.getSessionId(), "SessionFeatures.sessionId is null"));
        out.writeInt(r.getPosition());
        writeBehaviors(
                requireNonNull(r.getSessionClicks(), "SessionFeatures.sessionClicks is null"), out);
        writeBehaviors(requireNonNull(r.getHistory(), "SessionFeatures.history is null"), out);
        out.writeStringMap(
                requireNonNull(r.getProfile(), "SessionFeatures.profile is null"),
                "SessionFeatures.profile has a null key or value");
        out.writeLong(
                requireNonNull(r.getEventTime(), "SessionFeatures.eventTime is null")
                        .toEpochMilli());
        out.writeLong(
                requireNonNull(r.getEmissionTime(), "SessionFeatures.emissionTime is null")
                        .toEpochMilli());
    }

    private static void writeBehaviors(List<BehaviorRecord> behaviors, AvroBinaryWriter out) {
        out.writeBlockCount(behaviors.size());
        for (BehaviorRecord b : behaviors) {
            requireNonNull(b, "SessionFeatures has a null BehaviorRecord");
            out.writeString(requireNonNull(b.getItemId(), "BehaviorRecord.itemId is null"));
            out.writeNullableString(b.getCategoryId());
            out.writeNullableString(b.getBrandId());
            out.writeNullableString(b.getShopId());
            out.writeLong(
                    requireNonNull(b.getEventTime(), "BehaviorRecord.eventTime is null")
                            .toEpochMilli());
        }
        out.writeBlockEnd();
    }
}
