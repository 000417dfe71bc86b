package org.sdmstream.model.graph;

import java.util.List;
import org.sdmstream.features.encoding.Vocabulary;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The next-item loss on top of the tower: every session position t with a label (the item clicked
 * next) is one example, scored against the output item embeddings (no bias, so training ranks items
 * exactly as inner-product retrieval does). Full softmax, or sampled softmax with negatives shared
 * by the batch, log-Q corrected, accidental hits removed. Labels of padding or unknown items weigh
 * 0.
 */
public final class TrainingHead {

    public static final String LABELS = "labels";
    public static final String NEGATIVES = "negatives";
    public static final String NEGATIVE_LOG_Q = "negative_log_q";
    public static final String LABEL_LOG_Q = "label_log_q";
    public static final String LOSS = "loss";
    public static final String EXAMPLES = "examples";

    private final boolean fullSoftmax;
    private final Placeholder<TInt32> labels;
    private final Operand<TFloat32> loss;
    private final Operand<TFloat32> examples;

    /**
     * @param negativeCount negatives per batch for the sampled softmax (ignored for the full
     *     softmax)
     */
    public TrainingHead(SdmGraph tower, boolean fullSoftmax, int negativeCount) {
        this.fullSoftmax = fullSoftmax;
        Ops tf = tower.tf();
        int t = tower.config().maxSessionLength();
        int d = tower.config().hiddenSize();
        labels = tf.withName(LABELS).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, t)));
        // User vectors are unit length; the scale lets logits span a useful range (ranking is
        // unchanged).
        Operand<TFloat32> vectors =
                tf.math.mul(
                        tf.reshape(tower.sessionVectors(), tf.constant(new int[] {-1, d})),
                        tf.constant(tower.config().logitScale())); // [M, D]
        Operand<TInt32> flatLabels = tf.reshape(labels, tf.constant(new int[] {-1}));
        Operand<TFloat32> weights =
                tf.dtypes.cast(
                        tf.math.greaterEqual(flatLabels, tf.constant(Vocabulary.FIRST_VALUE)),
                        TFloat32.class);
        Operand<TFloat32> table = tower.outputItemEmbedding();

        Operand<TFloat32> logits;
        Operand<TFloat32> target;
        if (fullSoftmax) {
            logits = tf.linalg.matMul(vectors, table, MatMul.transposeB(true)); // [M, items]
            target =
                    tf.oneHot(
                            flatLabels,
                            tf.constant(tower.sizes().items()),
                            tf.constant(1f),
                            tf.constant(0f));
        } else {
            Placeholder<TInt32> negatives =
                    tf.withName(NEGATIVES)
                            .placeholder(TInt32.class, Placeholder.shape(Shape.of(negativeCount)));
            Placeholder<TFloat32> negativeLogQ =
                    tf.withName(NEGATIVE_LOG_Q)
                            .placeholder(
                                    TFloat32.class, Placeholder.shape(Shape.of(negativeCount)));
            Placeholder<TFloat32> labelLogQ =
                    tf.withName(LABEL_LOG_Q)
                            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, t)));
            Operand<TFloat32> trueLogit =
                    tf.math.sub(
                            tf.reduceSum(
                                    tf.math.mul(
                                            vectors, tf.gather(table, flatLabels, tf.constant(0))),
                                    tf.constant(-1)),
                            tf.reshape(labelLogQ, tf.constant(new int[] {-1})));
            Operand<TFloat32> negativeLogits =
                    tf.math.sub(
                            tf.linalg.matMul(
                                    vectors,
                                    tf.gather(table, negatives, tf.constant(0)),
                                    MatMul.transposeB(true)),
                            tf.expandDims(negativeLogQ, tf.constant(0))); // [M, S]
            // A negative that is the example's own label would be pushed down: mask it out.
            Operand<TFloat32> accidentalHits =
                    tf.dtypes.cast(
                            tf.math.equal(
                                    tf.expandDims(flatLabels, tf.constant(1)),
                                    tf.expandDims(negatives, tf.constant(0))),
                            TFloat32.class);
            negativeLogits =
                    tf.math.add(negativeLogits, tf.math.mul(accidentalHits, tf.constant(-1e9f)));
            logits =
                    tf.concat(
                            List.of(tf.expandDims(trueLogit, tf.constant(1)), negativeLogits),
                            tf.constant(1));
            Operand<TInt32> zeros = tf.math.mul(flatLabels, tf.constant(0));
            target =
                    tf.oneHot(
                            zeros,
                            tf.constant(negativeCount + 1),
                            tf.constant(1f),
                            tf.constant(0f));
        }
        Operand<TFloat32> perExample = tf.nn.softmaxCrossEntropyWithLogits(logits, target).loss();
        examples = tf.withName(EXAMPLES).reduceSum(weights, tf.constant(0));
        loss =
                tf.withName(LOSS)
                        .math
                        .div(
                                tf.reduceSum(tf.math.mul(perExample, weights), tf.constant(0)),
                                tf.math.maximum(examples, tf.constant(1f)));
    }

    public boolean fullSoftmax() {
        return fullSoftmax;
    }

    public Placeholder<TInt32> labels() {
        return labels;
    }

    /** Mean cross-entropy over the labelled positions of the batch. */
    public Operand<TFloat32> loss() {
        return loss;
    }

    /** Number of labelled positions in the batch. */
    public Operand<TFloat32> examples() {
        return examples;
    }
}
