package org.sdmstream.wire;

/** How the records of one Kafka topic are framed: the two formats the pipeline reads and writes. */
public enum WireFormat {
    /**
     * Avro single-object encoding ({@code C3 01}, 8-byte CRC-64-AVRO fingerprint of the writer
     * schema, body); no registry: readers know the schemas ({@link AvroCodec}).
     */
    SINGLE_OBJECT("single-object"),
    /**
     * The schema-registry framing of Confluent's serializers (magic byte {@code 00}, 4-byte
     * big-endian schema id, body), which Apicurio and Karapace also serve; writer schemas come from
     * the registry by id.
     */
    REGISTRY("registry");

    private final String text;

    WireFormat(String text) {
        this.text = text;
    }

    /**
     * The format named {@code text} ({@code single-object} or {@code registry}, as in configuration
     * and flags).
     */
    public static WireFormat of(String text) {
        for (WireFormat f : values()) {
            if (f.text.equalsIgnoreCase(text) || f.name().equalsIgnoreCase(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "unknown wire format '" + text + "'; use single-object or registry");
    }

    @Override
    public String toString() {
        return text;
    }
}
