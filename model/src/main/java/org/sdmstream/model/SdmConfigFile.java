package org.sdmstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Reads and writes {@link SdmConfig} as JSON. A file may name only some keys; the others keep their
 * defaults. Unknown keys are an error, so a misspelt key never silently falls back to a default.
 */
public final class SdmConfigFile {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SdmConfigFile() {}

    public static SdmConfig read(Path file) {
        return read(file, SdmConfig.DEFAULT);
    }

    /** The keys in {@code file} over {@code base}. */
    public static SdmConfig read(Path file, SdmConfig base) {
        try {
            JsonNode given = JSON.readTree(file.toFile());
            if (given == null || !given.isObject()) {
                throw new IllegalArgumentException(
                        "config file " + file + " must hold a JSON object");
            }
            ObjectNode merged = JSON.valueToTree(base);
            merged.setAll((ObjectNode) given);
            return JSON.treeToValue(merged, SdmConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "config file " + file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
    }

    public static void write(SdmConfig config, Path file) {
        try {
            JSON.writeValue(file.toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write config file " + file, e);
        }
    }
}
