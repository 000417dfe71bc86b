package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdmstream.features.ModelInput;
import org.sdmstream.model.ModelSignature;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.ItemEmbeddingsFile;
import org.sdmstream.model.export.ModelFiles;
import org.sdmstream.model.export.ModelMetadata;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.testing.PlantedSessions;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Export, reload in this JVM and in a new one, and refusal of SavedModels that break the signature.
 */
class ExportReloadITCase {

    @TempDir static Path tmp;

    static TrainedSdm model;
    static Path exported;

    @BeforeAll
    static void trainAndExport() {
        SdmConfig config =
                SdmConfig.builder()
                        .itemEmbeddingDim(8)
                        .categoryEmbeddingDim(4)
                        .brandEmbeddingDim(2)
                        .shopEmbeddingDim(2)
                        .userEmbeddingDim(8)
                        .hiddenSize(8)
                        .heads(2)
                        .maxSessionLength(6)
                        .maxHistoryLength(4)
                        .batchSize(16)
                        .epochs(2)
                        .learningRate(0.01f)
                        .build();
        model =
                new SdmTrainer(config)
                        .withProfiles(u -> Map.of("segment", u.hashCode() % 2 == 0 ? "a" : "b"))
                        .train(
                                PlantedSessions.sessions(12, 3, 5, 20, 0.9, 5),
                                ProgressListener.NONE);
        exported = tmp.resolve("model");
        SavedModelExporter.export(model, exported, "test-1", Map.of("recall@10", 0.5));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The same inputs in every JVM: deterministic, with histories, profiles and an unseen user. */
    static List<ModelInput> probes() {
        List<ModelInput> out = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            List<Integer> items = new ArrayList<>();
            for (int i = 0;
                    i <= k % 8;
                    i++) { // up to 8 clicks: longer than maxSession 6, so truncation is exercised
                items.add((k * 3 + i) % 20);
            }
            out.add(
                    new ModelInput(
                            k == 9 ? "stranger" : "u" + k,
                            "s",
                            items.stream().map(i -> PlantedSessions.behavior(i, 0L)).toList(),
                            List.of(
                                    PlantedSessions.behavior(k, 0L),
                                    PlantedSessions.behavior(k + 1, 0L)),
                            k % 2 == 0 ? Map.of("segment", "a") : Map.of(),
                            0L));
        }
        return out;
    }

    @Test
    void exportHasTheDocumentedLayout() {
        assertThat(exported.resolve("saved_model.pb")).isRegularFile();
        assertThat(exported.resolve("variables")).isDirectory();
        assertThat(exported.resolve("vocab/items.txt")).isRegularFile();
        assertThat(exported.resolve("vocab/profile_attributes.txt")).hasContent("segment");
        ModelMetadata meta = ModelMetadata.read(exported.resolve("metadata.json"));
        assertThat(meta.modelName()).isEqualTo("SDM");
        assertThat(meta.modelVersion()).isEqualTo("test-1");
        assertThat(meta.vectorSize()).isEqualTo(8);
        assertThat(meta.config()).isEqualTo(model.config());
        assertThat(meta.metrics()).containsEntry("recall@10", 0.5);
        assertThat(meta.trainingData().sessions()).isEqualTo(36);
        assertThat(meta.files())
                .containsKeys(
                        "saved_model.pb",
                        "vocab/items.txt",
                        "vocab/users.txt",
                        "item_embeddings.tsv")
                .doesNotContainKey("metadata.json");
        assertThat(meta.files().keySet()).anyMatch(f -> f.startsWith("variables/"));
        assertThat(meta.contentHash())
                .hasSize(64)
                .isEqualTo(ModelFiles.contentHash(ModelFiles.hashes(exported)));
        ItemEmbeddingsFile.ItemEmbeddings items =
                ItemEmbeddingsFile.read(exported.resolve("item_embeddings.tsv"));
        assertThat(items.ids()).isEqualTo(model.itemIds());
        float[][] expected = model.itemEmbeddings();
        for (int i = 0; i < expected.length; i++) {
            assertThat(items.vectors()[i]).containsExactly(expected[i]);
        }
    }

    @Test
    void exportIsSmallWithoutOptimizerState() throws IOException {
        try (var files = Files.walk(exported.resolve("variables"))) {
            long bytes =
                    files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            // all weights of this tiny model are ~5K floats; Adam would triple them
            assertThat(bytes).isLessThan(3 * 4 * 8_000L);
        }
        try (SavedModelBundle b = SavedModelBundle.load(exported.toString(), ModelSignature.TAG)) {
            var ops = b.graph().operations();
            while (ops.hasNext()) {
                var op = ops.next();
                assertThat(op.name())
                        .doesNotContainIgnoringCase("adam")
                        .isNotEqualTo("loss")
                        .isNotEqualTo("dropout_rate");
                assertThat(op.type())
                        .as("no dropout masks drawn at serving time")
                        .isNotEqualTo("StatelessRandomUniform");
            }
        }
    }

    /**
     * A tower run paid each unrolled LSTM op once per position (three sigmoids among ~13 ops per
     * step); the serving tower runs its LSTM as one fused op, which the vector tests below hold to
     * the training graph's unrolled LSTM (and IncrementalSdmScorerITCase to the step graph's).
     */
    @Test
    void theServingTowerRunsItsLstmAsOneOp() {
        int t = model.config().maxSessionLength();
        int fused = 0;
        int sigmoids = 0;
        try (SavedModelBundle b = SavedModelBundle.load(exported.toString(), ModelSignature.TAG)) {
            var ops = b.graph().operations();
            while (ops.hasNext()) {
                String type = ops.next().type();
                fused += type.equals("BlockLSTMV2") ? 1 : 0;
                sigmoids += type.equals("Sigmoid") ? 1 : 0;
            }
        }
        assertThat(fused).as("one fused LSTM (T = %d has no narrower tower)", t).isEqualTo(1);
        assertThat(sigmoids).as("the step's cell and the gates only").isLessThan(3 * t);
    }

    @Test
    void reloadedInThisJvmGivesTheSameVectors() {
        try (SdmScorer scorer = SdmScorer.load(exported, new ScorerOptions(1, 1, 4))) {
            float[][] expected = model.userVectors(probes());
            float[][] actual = scorer.userVectors(probes());
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).containsExactly(expected[i], within(1e-6f));
            }
            assertThat(scorer.dimensions()).isEqualTo(new ModelSignature.Dimensions(6, 4, 1, 8));
            assertThat(scorer.itemIds()).isEqualTo(model.itemIds());
            assertThat(scorer.name()).isEqualTo("SDM");
        }
    }

    @Test
    void concurrentCallersGetTheSameVectors() throws Exception {
        try (SdmScorer scorer = SdmScorer.load(exported, new ScorerOptions(1, 1, 3))) {
            float[][] expected = scorer.userVectors(probes());
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<float[][]>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> scorer.userVectors(probes())));
                }
                for (var f : results) {
                    assertThat(f.get()).isDeepEqualTo(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void reloadedInANewJvmGivesTheSameVectors() throws Exception {
        Path out = tmp.resolve("vectors.bin");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p =
                new ProcessBuilder(
                                java,
                                "-Xmx512m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                ScoreInNewJvm.class.getName(),
                                exported.toString(),
                                out.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("child.log").toFile())
                        .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        assertThat(p.exitValue())
                .as("child exit; log: %s", Files.readString(tmp.resolve("child.log")))
                .isZero();
        float[][] expected = model.userVectors(probes());
        try (DataInputStream in = new DataInputStream(Files.newInputStream(out))) {
            assertThat(in.readInt()).isEqualTo(expected.length);
            for (float[] row : expected) {
                assertThat(in.readInt()).isEqualTo(row.length);
                for (float v : row) {
                    assertThat(in.readFloat()).isCloseTo(v, within(1e-6f));
                }
            }
        }
    }

    /** Entry point of the child JVM: scores {@link #probes()} with the exported model. */
    public static final class ScoreInNewJvm {
        public static void main(String[] args) throws IOException {
            try (SdmScorer scorer = SdmScorer.load(Path.of(args[0]), new ScorerOptions(1, 1, 256));
                    DataOutputStream out =
                            new DataOutputStream(Files.newOutputStream(Path.of(args[1])))) {
                float[][] vectors = scorer.userVectors(probes());
                out.writeInt(vectors.length);
                for (float[] row : vectors) {
                    out.writeInt(row.length);
                    for (float v : row) {
                        out.writeFloat(v);
                    }
                }
            }
        }
    }

    @Test
    void aSavedModelWithAnotherSignatureIsRefusedNamingTheMismatch() throws IOException {
        Path bad = tmp.resolve("bad-model");
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> items =
                    tf.withName("session_item")
                            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 5)));
            Placeholder<TInt32> length =
                    tf.withName("session_length")
                            .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            Signature sig =
                    Signature.builder(ModelSignature.KEY)
                            .input("session_item", items)
                            .input("session_length", length)
                            .input("clicks_so_far", length)
                            .output(ModelSignature.USER_VECTOR, tf.identity(items))
                            .build();
            try (Session s = new Session(g)) {
                SavedModelBundle.exporter(bad.toString())
                        .withTags(ModelSignature.TAG)
                        .withFunction(SessionFunction.create(sig, s))
                        .export();
            }
        }
        Files.createDirectories(bad.resolve("vocab"));
        assertThatThrownBy(() -> SdmScorer.load(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match ModelSignature")
                .hasMessageContaining("input 'session_item' has dtype DT_FLOAT, expected DT_INT32")
                .hasMessageContaining("missing input 'history_item'")
                .hasMessageContaining("unexpected input 'clicks_so_far'");
    }

    @Test
    void aVocabularyReorderedAfterExportIsRefusedNamingTheFile() throws IOException {
        Path copy = copyOfExport("reordered");
        Path items = copy.resolve("vocab/items.txt");
        List<String> lines = new ArrayList<>(Files.readAllLines(items));
        java.util.Collections.swap(
                lines, 2, 3); // same size, other order: every id after it would hit another row
        Files.write(items, lines);
        assertThatThrownBy(() -> SdmScorer.load(copy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(items.toString())
                .hasMessageContaining("differs from the file exported with the model");
    }

    @Test
    void aVocabularyLongerThanItsTableIsRefusedNamingTheFile() throws IOException {
        Path copy = copyOfExport("longer");
        Path users = copy.resolve("vocab/users.txt");
        Files.writeString(users, "one-user-too-many\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> SdmScorer.load(copy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(users.toString());
    }

    @Test
    void aVocabularyThatDoesNotFitItsTableIsRefusedWithoutFileHashes() throws IOException {
        // As a model from another exporter would be: metadata without file hashes.
        Path copy = copyOfExport("other-exporter");
        Files.writeString(
                copy.resolve("metadata.json"), "{\"modelName\":\"SDM\",\"modelVersion\":\"x\"}");
        Path items = copy.resolve("vocab/items.txt");
        Files.writeString(items, "one-item-too-many\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> SdmScorer.load(copy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(items.toString())
                .hasMessageContaining("item_embedding table has");
    }

    private static Path copyOfExport(String name) throws IOException {
        Path copy = tmp.resolve(name);
        try (var files = Files.walk(exported)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(exported.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    @Test
    void aDirectoryWithoutSavedModelIsRefused() {
        assertThatThrownBy(() -> SdmScorer.load(tmp.resolve("nothing-here")))
                .hasMessageContaining("no saved_model.pb");
    }

    @Test
    void exportRefusesANonEmptyDirectory() {
        assertThatThrownBy(() -> SavedModelExporter.export(model, exported, "again", Map.of()))
                .hasMessageContaining("not empty");
    }
}
