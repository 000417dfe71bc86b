package org.sdmstream.cli.options;

import org.sdmstream.wire.WireFormat;
import org.sdmstream.wire.WireSettings;
import picocli.CommandLine.Option;

/**
 * {@code --wire-format} and {@code --registry-url}: how a command frames the records of its topic.
 */
public final class WireFormatOptions {

    @Option(
            names = "--wire-format",
            paramLabel = "FORMAT",
            defaultValue = "single-object",
            order = 40,
            converter = WireFormatConverter.class,
            description =
                    "single-object (Avro single-object encoding) or registry (magic byte 0, 4-byte schema id, "
                            + "Avro body; needs --registry-url) (default: ${DEFAULT-VALUE}).")
    WireFormat format = WireFormat.SINGLE_OBJECT;

    @Option(
            names = "--registry-url",
            paramLabel = "URL",
            order = 41,
            description =
                    "A Confluent-compatible schema registry, e.g. http://localhost:8081 "
                            + "(Apicurio: http://host:8080/apis/ccompat/v7).")
    String registryUrl = "";

    public WireFormat format() {
        return format;
    }

    /** The {@code --registry-url} given, blank when none was. */
    public String registryUrl() {
        return registryUrl == null ? "" : registryUrl.trim();
    }

    /** The settings these flags describe; a registry format without a URL is refused. */
    public WireSettings settings() {
        return format == WireFormat.SINGLE_OBJECT
                ? WireSettings.SINGLE_OBJECT
                : WireSettings.registry(registryUrl);
    }

    /** Parses a format name for picocli. */
    public static final class WireFormatConverter
            implements picocli.CommandLine.ITypeConverter<WireFormat> {
        @Override
        public WireFormat convert(String value) {
            return WireFormat.of(value);
        }
    }
}
