/**
 * The job's Kafka source and sinks: connectors built from the configuration and the Avro record
 * serializer.
 */
package org.sdmstream.job.kafka;
