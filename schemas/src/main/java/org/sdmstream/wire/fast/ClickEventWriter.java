package org.sdmstream.wire.fast;

import static java.util.Objects.requireNonNull;

import org.sdmstream.records.ClickEvent;

/**
 * The hand-written Avro body writer of {@link ClickEvent} (click_event.avsc v3, fields in schema
 * order).
 */
public final class ClickEventWriter implements RecordBodyWriter<ClickEvent> {

    /** Update only after checking {@link #write} against the changed schema field by field. */
    static final long WRITTEN_FOR_SCHEMA = 0xc08728a74eb1285aL;

    @Override
    public long writtenForSchema() {
        return WRITTEN_FOR_SCHEMA;
    }

    @Override
    public void write(ClickEvent r, AvroBinaryWriter out) {
        out.writeString(requireNonNull(r.getUserId(), "ClickEvent.userId is null"));
        out.writeString(requireNonNull(r.getItemId(), "ClickEvent.itemId is null"));
        out.writeNullableString(r.getCategoryId());
        out.writeNullableString(r.getBrandId());
        out.writeNullableString(r.getShopId());
        out.writeNullableString(r.getSessionId());
        out.writeLong(
                requireNonNull(r.getEventTime(), "ClickEvent.eventTime is null").toEpochMilli());
        if (r.getProfile() == null) {
            out.writeUnionIndex(0);
        } else {
            out.writeUnionIndex(1);
            out.writeStringMap(r.getProfile(), "ClickEvent.profile has a null key or value");
        }
        out.writeNullableString(r.getClientEventId());
    }
}
