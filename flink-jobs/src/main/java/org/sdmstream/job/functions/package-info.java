/**
 * Only the state snapshot classes whose names checkpoints and savepoints record (since release
 * 0.1); nothing else belongs here.
 */
package org.sdmstream.job.functions;
