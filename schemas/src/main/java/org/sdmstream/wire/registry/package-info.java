/**
 * The schema-registry wire format ({@code 00}, 4-byte schema id, Avro body): its framing, a
 * hand-written client of the two Confluent-compatible REST calls it needs, and the codec that reads
 * and writes it.
 */
package org.sdmstream.wire.registry;
