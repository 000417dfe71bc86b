package org.sdmstream.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.sdmstream.features.OfflineSessionizer;
import org.sdmstream.features.Session;
import org.sdmstream.features.SessionRules;
import org.sdmstream.features.generate.ClickGenerator;
import org.sdmstream.features.generate.GeneratorConfig;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.export.SavedModelExporter;
import org.sdmstream.model.training.ProgressListener;
import org.sdmstream.model.training.SdmTrainer;
import org.sdmstream.model.training.TrainedSdm;

/**
 * The model the scorer benchmarks load: any exported model directory named by system property
 * {@code sdm.bench.model}, or else one trained once (one epoch at the default sizes, on generated
 * clicks) into {@code target/bench-model}, reused by every later fork. Speed does not depend on the
 * weights. With {@code -Dsdm.bench.longTerm=false} the trained model has no long-term branch
 * ({@code target/bench-model-short}), to measure what recomputing p costs the step.
 */
public final class BenchmarkModel {

    public static final String PROPERTY = "sdm.bench.model";
    public static final String LONG_TERM = "sdm.bench.longTerm";

    private BenchmarkModel() {}

    public static synchronized Path directory() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        boolean longTerm = !"false".equals(System.getProperty(LONG_TERM));
        Path dir =
                Path.of("target", longTerm ? "bench-model" : "bench-model-short").toAbsolutePath();
        if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            return dir;
        }
        try {
            Files.createDirectories(dir.getParent());
            Path scratch = Files.createTempDirectory(dir.getParent(), "bench-model-");
            Path model = scratch.resolve("model");
            List<Session> sessions =
                    new OfflineSessionizer(SessionRules.DEFAULT)
                            .sessionize(
                                    new ClickGenerator(
                                            new GeneratorConfig(
                                                    300,
                                                    2_000,
                                                    30,
                                                    100,
                                                    100,
                                                    1.1,
                                                    8.0,
                                                    40_000L,
                                                    0.3,
                                                    0.3,
                                                    0.1,
                                                    GeneratorConfig.DEFAULT_START,
                                                    8_000,
                                                    42L)));
            try (TrainedSdm trained =
                    new SdmTrainer(SdmConfig.builder().epochs(1).longTerm(longTerm).build())
                            .train(sessions, ProgressListener.NONE)) {
                SavedModelExporter.export(trained, model, "bench", Map.of());
            }
            Files.move(model, dir, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(scratch);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the benchmark model in " + dir, e);
        }
    }

    /** Prepares the model ahead of a benchmark run (so no measured fork pays for training). */
    public static void main(String[] args) {
        System.out.println(directory());
    }
}
