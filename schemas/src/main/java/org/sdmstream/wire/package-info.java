/**
 * The Kafka wire formats of every record ({@link org.sdmstream.wire.WireFormat}): Avro
 * single-object encoding ({@link org.sdmstream.wire.AvroCodec}) and the schema-registry framing
 * ({@code wire.registry}), chosen per topic by {@link org.sdmstream.wire.WireSettings}; the
 * released schema versions; and their errors.
 */
package org.sdmstream.wire;
