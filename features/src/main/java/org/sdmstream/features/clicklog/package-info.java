/**
 * Reading click logs into {@link org.sdmstream.features.Click}s: delimited files with or without a
 * header ({@link org.sdmstream.features.clicklog.ClickLogFormat}), named data sets ({@link
 * org.sdmstream.features.clicklog.ClickLogPreset}: RecBole MovieLens, MovieLens {@code .dat},
 * Taobao), item-feature and user-profile side files joined by id, and bad rows reported with line
 * numbers ({@link org.sdmstream.features.clicklog.ReadReport}), never dropped silently.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * ClickLog log = ClickLogSource.dataset(Path.of("data/ml-100k"), ClickLogPreset.MOVIELENS).read();
 * log.requireBadRowsAtMost(0);
 * List<Session> sessions = new OfflineSessionizer(SessionRules.DEFAULT).sessionize(log.clicks());
 * }</pre>
 */
package org.sdmstream.features.clicklog;
