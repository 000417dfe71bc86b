package org.sdmstream.model.scoring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.sdmstream.features.ModelInput;
import org.sdmstream.features.encoding.FeatureVocabularies;
import org.sdmstream.features.encoding.ModelInputEncoder;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.UserVectorModel;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.ModelDirectory;
import org.sdmstream.model.export.ModelFiles;
import org.sdmstream.model.export.ModelMetadata;
import org.sdmstream.model.graph.InputTensors;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Scores model inputs with an exported model directory (ours or one trained elsewhere that follows
 * {@link ModelSignature}): loads the SavedModel, refuses a signature that does not match, encodes
 * inputs with the shared {@link ModelInputEncoder} and the model's own vocabularies, and returns
 * one user vector per input. Thread-safe; the streaming job uses exactly this class. Close it to
 * free the native session.
 */
public final class SdmScorer implements UserVectorModel {

    private final ModelDirectory directory;
    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final ModelSignature.Dimensions dimensions;
    private final ModelInputEncoder encoder;
    private final ModelMetadata metadata;
    private final int maxBatch;
    private volatile ItemEmbeddingsFile.ItemEmbeddings items;

    private SdmScorer(
            ModelDirectory directory,
            SavedModelBundle bundle,
            SessionFunction function,
            ModelSignature.Dimensions dimensions,
            ModelInputEncoder encoder,
            ModelMetadata metadata,
            int maxBatch) {
        this.directory = directory;
        this.bundle = bundle;
        this.function = function;
        this.dimensions = dimensions;
        this.encoder = encoder;
        this.metadata = metadata;
        this.maxBatch = maxBatch;
    }

    public static SdmScorer load(Path modelDir) {
        return load(modelDir, ScorerOptions.DEFAULT);
    }

    /**
     * @throws IllegalArgumentException when the directory is not a model directory, its signature
     *     does not match {@link ModelSignature}, or a file differs from what its metadata recorded
     *     at export (the message names each mismatch)
     */
    public static SdmScorer load(Path modelDir, ScorerOptions options) {
        ModelDirectory dir = new ModelDirectory(modelDir);
        ModelMetadata metadata = checkFiles(modelDir);
        ConfigProto.Builder cp = ConfigProto.newBuilder();
        // TF's pools are otherwise process-wide and sized by the first session: own pools honour
        // the counts.
        // Running in the caller's thread is only honoured with the process-wide pools (TF's
        // DirectSession).
        cp.setUsePerSessionThreads(
                !options.callerThread()
                        && (options.intraOpThreads() > 0 || options.interOpThreads() > 0));
        if (options.intraOpThreads() > 0) {
            cp.setIntraOpParallelismThreads(options.intraOpThreads());
        }
        if (options.interOpThreads() != 0) {
            cp.setInterOpParallelismThreads(options.interOpThreads());
        }
        SavedModelBundle bundle =
                SavedModelBundle.loader(modelDir.toString())
                        .withTags(ModelSignature.TAG)
                        .withConfigProto(cp.build())
                        .load();
        try {
            Set<String> disallowed = AllowedOps.disallowed(bundle.graph());
            if (!disallowed.isEmpty()) {
                throw new IllegalArgumentException(
                        "model "
                                + modelDir
                                + " uses TensorFlow ops that no exported SDM"
                                + " uses: "
                                + disallowed
                                + ". A SavedModel is code that runs with the TaskManager's rights,"
                                + " so only the ops of our own exports are allowed (docs/operations.md)");
            }
            Signature signature =
                    bundle.signatures().stream()
                            .filter(s -> s.key().equals(ModelSignature.KEY))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "SavedModel "
                                                            + modelDir
                                                            + " has no signature '"
                                                            + ModelSignature.KEY
                                                            + "'; it has "
                                                            + bundle.signatures().stream()
                                                                    .map(Signature::key)
                                                                    .toList()));
            ModelSignature.Dimensions dims = ModelSignature.check(signature);
            FeatureVocabularies vocabularies = FeatureVocabularies.load(dir.vocabularies());
            VocabularyTables.check(bundle.graph(), vocabularies, dir.vocabularies());
            if (vocabularies.profileSlots() != dims.profileSlots()) {
                throw new IllegalArgumentException(
                        "model "
                                + modelDir
                                + " has "
                                + dims.profileSlots()
                                + " profile slots but its vocabularies define "
                                + vocabularies.profileSlots()
                                + " (profile_attributes.txt)");
            }
            ModelInputEncoder encoder =
                    new ModelInputEncoder(vocabularies, dims.maxSession(), dims.maxHistory());
            return new SdmScorer(
                    dir,
                    bundle,
                    bundle.function(ModelSignature.KEY),
                    dims,
                    encoder,
                    metadata,
                    options.maxBatch());
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    /**
     * The checks of {@link #load} that need no TensorFlow: the layout, every file against the
     * hashes its metadata recorded at export. Where a job is built (a client, or a JobManager
     * running {@code main}) this refuses a missing or changed model without loading TensorFlow
     * there.
     *
     * @return the model's metadata, or null when it has none
     * @throws IllegalArgumentException naming the directory and what is wrong with it
     */
    public static ModelMetadata checkFiles(Path modelDir) {
        ModelDirectory dir = new ModelDirectory(modelDir);
        if (!Files.isRegularFile(dir.savedModel())) {
            throw new IllegalArgumentException(
                    modelDir + " is not an exported model: no saved_model.pb");
        }
        if (!Files.isDirectory(dir.vocabularies())) {
            throw new IllegalArgumentException(
                    modelDir + " has no vocab/ directory (see docs/model.md, export layout)");
        }
        ModelMetadata metadata =
                Files.exists(dir.metadata()) ? ModelMetadata.read(dir.metadata()) : null;
        if (metadata != null && metadata.files() != null) {
            ModelFiles.verify(modelDir, metadata.files());
        }
        return metadata;
    }

    @Override
    public String name() {
        return metadata != null && metadata.modelName() != null
                ? metadata.modelName()
                : "SavedModel";
    }

    @Override
    public float[][] userVectors(List<ModelInput> inputs) {
        float[][] out = new float[inputs.size()][];
        int d = dimensions.vectorSize();
        for (int from = 0; from < inputs.size(); from += maxBatch) {
            List<ModelInput> chunk = inputs.subList(from, Math.min(inputs.size(), from + maxBatch));
            try (InputTensors in = new InputTensors(encoder.encode(chunk));
                    Result r = function.call(in.asMap())) {
                Tensor vectors =
                        r.get(ModelSignature.USER_VECTOR)
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "model returned no "
                                                                + ModelSignature.USER_VECTOR));
                float[] flat = InputTensors.toArray((TFloat32) vectors);
                for (int b = 0; b < chunk.size(); b++) {
                    out[from + b] = Arrays.copyOfRange(flat, b * d, (b + 1) * d);
                }
            }
        }
        return out;
    }

    @Override
    public int dimension() {
        return dimensions.vectorSize();
    }

    @Override
    public List<String> itemIds() {
        return items().ids();
    }

    @Override
    public float[][] itemEmbeddings() {
        return items().vectors();
    }

    /** Read on first use: the stream never needs the table, retrieval and evaluation do. */
    private ItemEmbeddingsFile.ItemEmbeddings items() {
        ItemEmbeddingsFile.ItemEmbeddings loaded = items;
        if (loaded == null) {
            synchronized (this) {
                if (items == null) {
                    items = ItemEmbeddingsFile.read(directory.itemEmbeddings());
                }
                loaded = items;
            }
        }
        return loaded;
    }

    public ModelSignature.Dimensions dimensions() {
        return dimensions;
    }

    /** Metadata of the model, or null when the directory has no metadata.json. */
    public ModelMetadata metadata() {
        return metadata;
    }

    public ModelInputEncoder encoder() {
        return encoder;
    }

    /**
     * The loaded SavedModel's signature with this key, with its callable function; empty when it
     * has none.
     */
    public java.util.Optional<Signature> signature(String key) {
        return bundle.signatures().stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /**
     * The callable function of one of the SavedModel's signatures (see {@link #signature(String)}).
     */
    public SessionFunction function(String key) {
        return bundle.function(key);
    }

    /** The loaded model's session, for signatures run by tensor name ({@link StepRunner}). */
    Session session() {
        return bundle.session();
    }

    /** Whether the loaded graph has an op of this name. */
    boolean hasOperation(String name) {
        return bundle.graph().operation(name) != null;
    }

    @Override
    public void close() {
        bundle.close();
    }
}
