/** The Kafka wire format of every record: Avro single-object encoding (AvroCodec) and its errors. */
package org.sdmstream.wire;
