/**
 * Scoring: the per-user vector throttle and the micro-batching operator that runs the SDM model
 * once per TaskManager.
 */
package org.sdmstream.job.scoring;
