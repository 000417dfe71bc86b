package org.sdmstream.wire;

import org.apache.avro.Schema;

/**
 * Turns records of one Avro type into Kafka payloads and back in one {@link WireFormat}.
 * Implementations are not thread-safe; create one per thread or operator.
 */
public interface RecordCodec<T> {

    /**
     * One payload: the format's header, then the Avro binary body written with {@link #schema()}.
     */
    byte[] encode(T record);

    /**
     * The record in {@code payload}, resolved to the current schema.
     *
     * @throws WireFormatException saying why the payload cannot be read
     */
    T decode(byte[] payload);

    /** The schema records are written with (the generated class's). */
    Schema schema();
}
