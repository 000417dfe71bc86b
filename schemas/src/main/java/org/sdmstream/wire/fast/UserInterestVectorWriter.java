package org.sdmstream.wire.fast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.FloatArrayList;

/**
 * The hand-written Avro body writer of {@link UserInterestVector} (user_interest_vector.avsc, in
 * field order).
 */
public final class UserInterestVectorWriter implements RecordBodyWriter<UserInterestVector> {

    /** Update only after checking {@link #write} against the changed schema field by field. */
    static final long WRITTEN_FOR_SCHEMA = 0x7027a8462f65348dL;

    @Override
    public long writtenForSchema() {
        return WRITTEN_FOR_SCHEMA;
    }

    @Override
    public void write(UserInterestVector r, AvroBinaryWriter out) {
        out.writeString(requireNonNull(r.getUserId(), "UserInterestVector.userId is null"));
        List<Float> vector = requireNonNull(r.getVector(), "UserInterestVector.vector is null");
        out.writeBlockCount(vector.size());
        if (vector instanceof FloatArrayList floats) {
            for (int i = 0; i < floats.size(); i++) {
                out.writeFloat(floats.getFloat(i));
            }
        } else {
            for (Float f : vector) {
                out.writeFloat(requireNonNull(f, "UserInterestVector.vector has a null element"));
            }
        }
        out.writeBlockEnd();
        out.writeString(
                requireNonNull(r.getModelVersion(), "UserInterestVector.modelVersion is null"));
        out.writeString(requireNonNull(r.getSessionId(), "UserInterestVector.sessionId is null"));
        out.writeInt(r.getSessionLength());
        out.writeInt(r.getLongTermLength());
        out.writeLong(
                requireNonNull(r.getEventTime(), "UserInterestVector.eventTime is null")
                        .toEpochMilli());
        out.writeLong(
                requireNonNull(r.getEmissionTime(), "UserInterestVector.emissionTime is null")
                        .toEpochMilli());
    }
}
