package org.sdmstream.job;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.ModelInput;
import org.sdmstream.records.BehaviorRecord;

/**
 * The session clicks or the history of a {@link ModelInput} as the {@code List<BehaviorRecord>} a
 * SessionFeatures field holds, each record made when it is read. The sessionizer hands its record
 * to the scorer in the same thread (the operators chain), and the scorer takes the model input back
 * from the view ({@link FeatureRecords#toModelInput}) instead of converting up to 70 behaviours
 * twice per click (docs/benchmarks.md, "Fewer look-ups and conversions, bursts by cost"). Writers,
 * Flink's serializer, Avro's copies and equality read it as any list.
 *
 * <p>Read-only: a record holding it cannot be the target of an Avro read that reuses its lists
 * (nothing in the job reads into a record it emitted), and changing a record got from {@link #get}
 * changes nothing (a fresh one is made at every call): replace the list instead.
 */
final class BehaviorRecordView extends AbstractList<BehaviorRecord> implements RandomAccess {

    private final ModelInput origin;
    private final List<Behavior> behaviors;

    BehaviorRecordView(ModelInput origin, List<Behavior> behaviors) {
        this.origin = origin;
        this.behaviors = behaviors;
    }

    @Override
    public BehaviorRecord get(int index) {
        return FeatureRecords.toRecord(behaviors.get(index));
    }

    @Override
    public int size() {
        return behaviors.size();
    }

    /** The model input whose session or history this is. */
    ModelInput origin() {
        return origin;
    }

    /** Whether this is its origin's session. */
    boolean isSession() {
        return behaviors == origin.session();
    }

    /** Whether this is its origin's history. */
    boolean isHistory() {
        return behaviors == origin.history();
    }
}
