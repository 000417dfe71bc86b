package org.sdmstream.features.clicklog;

/**
 * How much of the bad input a reader keeps and tolerates.
 *
 * @param keepBadRows how many bad rows per file are kept with their line numbers for the report
 * @param stopAfterBadRows stop reading a file once it has more bad rows than this (the caller would
 *     reject it anyway); {@link Long#MAX_VALUE} to always read to the end
 */
public record ReadLimits(int keepBadRows, long stopAfterBadRows) {

    /** Keep the first 20 bad rows, always read to the end. */
    public static final ReadLimits DEFAULT = new ReadLimits(20, Long.MAX_VALUE);

    public ReadLimits {
        if (keepBadRows < 0 || stopAfterBadRows < 0) {
            throw new IllegalArgumentException("limits must be >= 0");
        }
    }

    /**
     * For a caller that rejects a file with more than {@code maxBadRows} bad rows: keeps the first
     * 20 bad rows and stops reading once 20 more than allowed were found (enough to show what is
     * wrong without reading 100M rows of a wrong format).
     */
    public static ReadLimits failAfter(long maxBadRows) {
        int keep = 20;
        return new ReadLimits(
                keep, maxBadRows > Long.MAX_VALUE - keep ? Long.MAX_VALUE : maxBadRows + keep);
    }
}
