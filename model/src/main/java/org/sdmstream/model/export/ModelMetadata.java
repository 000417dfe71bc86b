package org.sdmstream.model.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sdmstream.model.SdmConfig;
import org.sdmstream.model.training.EpochResult;

/**
 * {@code metadata.json} beside an exported model: what it is, what it was trained on and how well
 * it did. {@code config} and {@code epochs} are absent for models trained elsewhere; {@code files}
 * (SHA-256 of each file, see {@link ModelFiles}) and their {@code contentHash} are absent in models
 * exported before 0.2.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelMetadata(
        int formatVersion,
        String modelName,
        String modelVersion,
        String createdAt,
        TrainingRange trainingData,
        int maxSessionLength,
        int maxHistoryLength,
        int profileSlots,
        int vectorSize,
        Map<String, Double> metrics,
        SdmConfig config,
        List<EpochResult> epochs,
        String contentHash,
        Map<String, String> files) {

    public static final String FILE_NAME = "metadata.json";
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The event-time range and size of the training data (times as ISO-8601 instants). */
    public record TrainingRange(
            String firstEvent,
            String lastEvent,
            int sessions,
            int trainSessions,
            int validationSessions,
            long clicks) {}

    public void write(Path file) {
        try {
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Reads metadata from {@code in} (a model on any file system); {@code source} names it in
     * errors.
     */
    public static ModelMetadata read(java.io.InputStream in, String source) {
        try {
            return JSON.readValue(in, ModelMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model metadata " + source, e);
        }
    }

    public static ModelMetadata read(Path file) {
        try {
            return JSON.readValue(file.toFile(), ModelMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model metadata " + file, e);
        }
    }
}
