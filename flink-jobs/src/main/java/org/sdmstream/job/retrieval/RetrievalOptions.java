package org.sdmstream.job.retrieval;

import static org.apache.flink.configuration.ConfigOptions.key;

import org.apache.flink.configuration.ConfigOption;
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
                            "exact, hnsw (Lucene HNSW, approximate), or auto = exact up to "
                                    + IndexKind.EXACT_MAX_ITEMS
                                    + " items");

    public static final ConfigOption<String> RECOMMENDATIONS_TOPIC =
            key("topic.recommendations")
                    .stringType()
                    .defaultValue("recommendations")
                    .withDescription("output topic of UserRecommendations records");

    private RetrievalOptions() {}
}
