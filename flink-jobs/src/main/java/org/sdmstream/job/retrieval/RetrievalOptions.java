package org.sdmstream.job.retrieval;

import static org.apache.flink.configuration.ConfigOptions.key;

import org.apache.flink.configuration.ConfigOption;
import org.sdmstream.model.retrieval.HnswSettings;
import org.sdmstream.model.retrieval.IndexKind;

/**
 * Settings of top-K retrieval in the stream (docs/streaming.md): how many items, which index, which
 * topic.
 */
public final class RetrievalOptions {

    public static final ConfigOption<Integer> K =
            key("retrieval.k")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "items per UserRecommendations record, searched for every vector; 0 = off");

    public static final ConfigOption<Boolean> EXCLUDE_SESSION =
            key("retrieval.exclude-session")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "never recommend an item already clicked in the current session");

    public static final ConfigOption<IndexKind> INDEX =
            key("retrieval.index")
                    .enumType(IndexKind.class)
                    .defaultValue(IndexKind.AUTO)
                    .withDescription(
                            "exact, hnsw (Lucene HNSW, approximate), ivf (inverted lists with bounds,"
                                    + " approximate), or auto = exact up to "
                                    + IndexKind.EXACT_MAX_ITEMS
                                    + " items, ivf above");

    public static final ConfigOption<Integer> HNSW_MAX_CONNECTIONS =
            key("retrieval.hnsw.max-connections")
                    .intType()
                    .defaultValue(HnswSettings.DEFAULTS.maxConnections())
                    .withDescription(
                            "HNSW graph: neighbours per node (M; level 0 keeps twice as many), 1-512");

    public static final ConfigOption<Integer> HNSW_BUILD_BEAM =
            key("retrieval.hnsw.build-beam")
                    .intType()
                    .defaultValue(HnswSettings.DEFAULTS.buildBeam())
                    .withDescription("HNSW graph: candidates kept while inserting an item, 1-3200");

    public static final ConfigOption<Integer> HNSW_SEARCH_BEAM =
            key("retrieval.hnsw.search-beam")
                    .intType()
                    .defaultValue(HnswSettings.DEFAULTS.searchBeam())
                    .withDescription(
                            "HNSW search: candidates kept per query (at least retrieval.k); higher = better recall, slower");

    public static final ConfigOption<String> RECOMMENDATIONS_TOPIC =
            key("topic.recommendations")
                    .stringType()
                    .defaultValue("recommendations")
                    .withDescription("output topic of UserRecommendations records");

    private RetrievalOptions() {}
}
