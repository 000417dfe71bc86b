/**
 * The user-interest job: its graph (UserInterestJob), its typed configuration, and the conversions
 * between Kafka records and the session rules' types.
 */
package org.sdmstream.job;
