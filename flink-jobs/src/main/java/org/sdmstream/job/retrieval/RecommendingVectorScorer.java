package org.sdmstream.job.retrieval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.util.OutputTag;
import org.sdmstream.job.FeatureRecords;
import org.sdmstream.job.scoring.ScoringSettings;
import org.sdmstream.job.scoring.TaskManagerShared;
import org.sdmstream.job.scoring.UserVectorScorer;
import org.sdmstream.model.retrieval.ItemIndex;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserRecommendations;

/**
 * The {@link UserVectorScorer} that also recommends: each scored batch is searched at once in the
 * model's {@link ItemIndex} (one search per batch, not per click) and one {@link
 * UserRecommendations} per vector goes to {@link #RECOMMENDATIONS}, with the vector's timestamp, in
 * the same flush as the vectors: so nothing is in memory at a barrier, and replays after a failure
 * recompute both alike. The index is built from the same model directory at open and shared per
 * TaskManager ({@link SharedItemIndexes}); a model version that differs from the scorer's is
 * refused.
 */
public class RecommendingVectorScorer extends UserVectorScorer {

    private static final long serialVersionUID = 1L;

    /** The side output of the recommendations. */
    public static final OutputTag<UserRecommendations> RECOMMENDATIONS =
            new OutputTag<>("recommendations", new AvroTypeInfo<>(UserRecommendations.class));

    private final RetrievalSettings retrieval;

    private transient TaskManagerShared.Lease<ItemIndex> indexLease;
    private transient ItemIndex index;
    private transient Histogram retrievalMicros;
    private transient Counter recommendationsOut;

    public RecommendingVectorScorer(
            ScoringSettings scoring, String inputTopic, RetrievalSettings retrieval) {
        super(scoring, inputTopic);
        this.retrieval = retrieval;
    }

    @Override
    public void open() throws Exception {
        super.open();
        indexLease = SharedItemIndexes.acquire(retrieval);
        index = indexLease.value();
        retrievalMicros =
                getMetricGroup()
                        .histogram(
                                "retrievalLatencyMicros", new DescriptiveStatisticsHistogram(1000));
        recommendationsOut = getMetricGroup().counter("recommendationsOut");
        getMetricGroup().gauge("itemIndexSize", index::size);
    }

    @Override
    protected void scored(
            List<SessionFeatures> inputs,
            float[][] vectors,
            String modelVersion,
            long emissionTime) {
        if (index.modelVersion() != null && !index.modelVersion().equals(modelVersion)) {
            throw new IllegalStateException(
                    "item index of "
                            + retrieval.modelDir()
                            + " is model version "
                            + index.modelVersion()
                            + " but the vectors are version "
                            + modelVersion
                            + ": never mixed");
        }
        // Inputs the model refused (null vectors) went to the dead letters: nothing to recommend
        // for them.
        List<Integer> slots = new ArrayList<>(inputs.size());
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] != null) {
                slots.add(i);
            }
        }
        float[][] queries = new float[slots.size()][];
        List<Set<String>> excluded =
                retrieval.excludeSession() ? new ArrayList<>(slots.size()) : null;
        for (int j = 0; j < slots.size(); j++) {
            queries[j] = vectors[slots.get(j)];
            if (excluded != null) {
                excluded.add(sessionItems(inputs.get(slots.get(j))));
            }
        }
        long started = System.nanoTime();
        List<ItemIndex.TopItems> top = index.topK(queries, retrieval.k(), excluded);
        retrievalMicros.update((System.nanoTime() - started) / 1_000);
        for (int j = 0; j < top.size(); j++) {
            int i = slots.get(j);
            output.collect(
                    RECOMMENDATIONS,
                    atInputTime(
                            i,
                            FeatureRecords.toUserRecommendations(
                                    inputs.get(i), top.get(j), modelVersion, emissionTime)));
        }
        recommendationsOut.inc(top.size());
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            if (indexLease != null) {
                indexLease.close();
                indexLease = null;
            }
        }
    }

    /** The item ids clicked so far in the input's session. */
    static Set<String> sessionItems(SessionFeatures input) {
        Set<String> items = new HashSet<>();
        for (BehaviorRecord b : input.getSessionClicks()) {
            items.add(b.getItemId());
        }
        return items;
    }
}
