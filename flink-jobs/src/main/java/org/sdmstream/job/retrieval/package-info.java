/**
 * Retrieval in the stream: the top-K items for every scored vector, searched in the model's own
 * item index.
 */
package org.sdmstream.job.retrieval;
