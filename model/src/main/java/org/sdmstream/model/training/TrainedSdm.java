package org.sdmstream.model.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.encoding.FeatureVocabularies;
import org.sdmstream.features.encoding.ModelInputEncoder;
import org.sdmstream.features.encoding.Vocabulary;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.UserVectorModel;
import org.sdmstream.model.graph.InputTensors;
import org.sdmstream.model.graph.SdmGraph;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * A model fresh from {@link SdmTrainer}, usable in memory (its training graph and session stay
 * open) for evaluation, and exportable as a SavedModel with {@code SavedModelExporter}. Close it to
 * free the native graph and session.
 */
public final class TrainedSdm implements UserVectorModel {

    private static final int INFERENCE_BATCH = 256;

    private final SdmConfig config;
    private final FeatureVocabularies vocabularies;
    private final ModelInputEncoder encoder;
    private final Graph graph;
    private final Session session;
    private final SdmGraph tower;
    private final List<EpochResult> epochs;
    private final TrainingData data;

    /** What the model was trained on, for the export's metadata. */
    public record TrainingData(
            long firstEventTime,
            long lastEventTime,
            int sessions,
            int trainSessions,
            int validationSessions,
            long clicks) {}

    TrainedSdm(
            SdmConfig config,
            FeatureVocabularies vocabularies,
            Graph graph,
            Session session,
            SdmGraph tower,
            List<EpochResult> epochs,
            TrainingData data) {
        this.config = config;
        this.vocabularies = vocabularies;
        this.encoder =
                new ModelInputEncoder(
                        vocabularies, config.maxSessionLength(), config.maxHistoryLength());
        this.graph = graph;
        this.session = session;
        this.tower = tower;
        this.epochs = List.copyOf(epochs);
        this.data = data;
    }

    @Override
    public String name() {
        return config.modelName();
    }

    @Override
    public float[][] userVectors(List<ModelInput> inputs) {
        float[][] out = new float[inputs.size()][];
        int d = config.hiddenSize();
        for (int from = 0; from < inputs.size(); from += INFERENCE_BATCH) {
            List<ModelInput> chunk =
                    inputs.subList(from, Math.min(inputs.size(), from + INFERENCE_BATCH));
            try (InputTensors in = new InputTensors(encoder.encode(chunk));
                    Result r = in.feed(session.runner()).fetch(ModelSignature.USER_VECTOR).run()) {
                float[] flat = InputTensors.toArray((TFloat32) r.get(0));
                for (int b = 0; b < chunk.size(); b++) {
                    out[from + b] = Arrays.copyOfRange(flat, b * d, (b + 1) * d);
                }
            }
        }
        return out;
    }

    /**
     * The vector at every position of each input's session: [B][maxSession][D] (padding rows
     * included).
     */
    public float[][][] sessionVectors(List<ModelInput> inputs) {
        int t = config.maxSessionLength();
        int d = config.hiddenSize();
        try (InputTensors in = new InputTensors(encoder.encode(inputs));
                Result r = in.feed(session.runner()).fetch(SdmGraph.SESSION_VECTORS).run()) {
            float[] flat = InputTensors.toArray((TFloat32) r.get(0));
            float[][][] out = new float[inputs.size()][t][];
            for (int b = 0; b < inputs.size(); b++) {
                for (int p = 0; p < t; p++) {
                    int at = (b * t + p) * d;
                    out[b][p] = Arrays.copyOfRange(flat, at, at + d);
                }
            }
            return out;
        }
    }

    @Override
    public int dimension() {
        return config.hiddenSize();
    }

    @Override
    public List<String> itemIds() {
        return vocabularies.items().values();
    }

    @Override
    public float[][] itemEmbeddings() {
        try (Result r = session.runner().fetch(tower.outputItemEmbedding()).run()) {
            float[] flat = InputTensors.toArray((TFloat32) r.get(0));
            int d = config.hiddenSize();
            List<float[]> rows = new ArrayList<>();
            for (int row = Vocabulary.FIRST_VALUE; row < vocabularies.items().size(); row++) {
                rows.add(Arrays.copyOfRange(flat, row * d, (row + 1) * d));
            }
            return rows.toArray(new float[0][]);
        }
    }

    public SdmConfig config() {
        return config;
    }

    public FeatureVocabularies vocabularies() {
        return vocabularies;
    }

    public ModelInputEncoder encoder() {
        return encoder;
    }

    /** Per-epoch results, in order (including epochs run before a resume). */
    public List<EpochResult> epochs() {
        return epochs;
    }

    public TrainingData trainingData() {
        return data;
    }

    /** The training session, for the exporter (which copies variables out of it). */
    public Session session() {
        return session;
    }

    public SdmGraph tower() {
        return tower;
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
