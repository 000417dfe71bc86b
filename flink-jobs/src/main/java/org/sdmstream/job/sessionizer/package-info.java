/**
 * The keyed sessionizer (one user's session and 7-day history in RocksDB) and the checkpoint
 * formats of its state.
 */
package org.sdmstream.job.sessionizer;
