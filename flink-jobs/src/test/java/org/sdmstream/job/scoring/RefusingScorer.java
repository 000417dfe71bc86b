package org.sdmstream.job.scoring;

import java.util.List;
import java.util.function.Predicate;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.scoring.BatchScorer;

/**
 * A real scorer that throws on every batch holding an input of a user it refuses, as TensorFlow
 * throws on an input it cannot take; the scoring tests plug it in through a {@link
 * ScoringSettings.ScorerLoader}.
 */
public final class RefusingScorer implements BatchScorer {

    /** Users whose id starts with this are refused by {@link #MARKED_USERS}. */
    public static final String REFUSED_PREFIX = "refused-";

    /**
     * The full tower, refusing the inputs of users whose id starts with {@link #REFUSED_PREFIX}.
     */
    public static final ScoringSettings.ScorerLoader MARKED_USERS =
            s ->
                    new RefusingScorer(
                            ScoringSettings.FULL_TOWER.apply(s),
                            user -> user.startsWith(REFUSED_PREFIX));

    /**
     * The full tower, refusing every real input (the warm-up passes): a model broken for all
     * traffic.
     */
    public static final ScoringSettings.ScorerLoader EVERY_USER =
            s ->
                    new RefusingScorer(
                            ScoringSettings.FULL_TOWER.apply(s),
                            user -> !user.equals(BatchScorer.WARM_UP));

    private final BatchScorer model;
    private final Predicate<String> refusesUser;

    private RefusingScorer(BatchScorer model, Predicate<String> refusesUser) {
        this.model = model;
        this.refusesUser = refusesUser;
    }

    @Override
    public float[][] score(List<ModelInput> inputs) {
        for (ModelInput in : inputs) {
            if (refusesUser.test(in.userId())) {
                throw new IllegalArgumentException(
                        "test model refuses the input of " + in.userId());
            }
        }
        return model.score(inputs);
    }

    @Override
    public String modelVersion() {
        return model.modelVersion();
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public void close() {
        model.close();
    }
}
