/**
 * Clicks in: decoding Kafka records, validating clicks, and routing what is refused to the
 * dead-letter topic with a reason.
 */
package org.sdmstream.job.ingest;
