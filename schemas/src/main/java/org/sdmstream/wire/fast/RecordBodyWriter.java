package org.sdmstream.wire.fast;

/**
 * Writes the Avro binary body of one record type by hand, byte for byte as Avro's {@code
 * SpecificDatumWriter} would for the schema it was written against.
 *
 * <p>A writer is only as right as the schema it was checked against: {@link #writtenForSchema()} is
 * that schema's {@link SingleObjectEncoder#schemaFingerprint fingerprint}, and {@link
 * SingleObjectEncoder} refuses the writer when the generated class's schema has a different one.
 */
public interface RecordBodyWriter<T> {

    /**
     * The {@link SingleObjectEncoder#schemaFingerprint fingerprint} of the schema this writer
     * follows.
     */
    long writtenForSchema();

    /**
     * Appends the record's body (no header) to {@code out}.
     *
     * @throws NullPointerException naming the field when a non-nullable field is null
     */
    void write(T record, AvroBinaryWriter out);
}
