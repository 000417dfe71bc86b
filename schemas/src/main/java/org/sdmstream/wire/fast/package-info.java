/**
 * Hand-written Avro body writers for the hot records, byte for byte what Avro writes, behind the
 * single-object encoder.
 */
package org.sdmstream.wire.fast;
