package org.sdmstream.wire;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.sdmstream.wire.registry.RegistryCodec;
import org.sdmstream.wire.registry.SchemaRegistryClient;

/**
 * The wire format of one topic and, for {@link WireFormat#REGISTRY}, where its registry is: a small
 * serializable value that Kafka (de)serializers carry into the job graph and turn into a {@link
 * RecordCodec} where they run.
 *
 * @param registryUrl the registry's base URL (before {@code /schemas}); blank for single-object
 * @param requestTimeout how long one registry call may take
 * @param retryAfter how long a failed lookup is answered from memory before the registry is asked
 *     again
 */
public record WireSettings(
        WireFormat format, String registryUrl, Duration requestTimeout, Duration retryAfter)
        implements Serializable {

    /** Single-object encoding, no registry: the pipeline's default. */
    public static final WireSettings SINGLE_OBJECT =
            new WireSettings(
                    WireFormat.SINGLE_OBJECT, "", Duration.ofSeconds(5), Duration.ofSeconds(10));

    public WireSettings {
        Objects.requireNonNull(format, "format");
        registryUrl = registryUrl == null ? "" : registryUrl.trim();
        if (format == WireFormat.REGISTRY && registryUrl.isEmpty()) {
            throw new IllegalArgumentException(
                    "the registry wire format needs a schema registry URL");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || retryAfter.isNegative()) {
            throw new IllegalArgumentException(
                    "registry request timeout must be positive, retry-after not negative");
        }
    }

    /** The registry format with the default timeouts. */
    public static WireSettings registry(String registryUrl) {
        return new WireSettings(
                WireFormat.REGISTRY,
                registryUrl,
                SINGLE_OBJECT.requestTimeout,
                SINGLE_OBJECT.retryAfter);
    }

    /**
     * A codec for the records of {@code type} on {@code topic}. Single-object codecs also read
     * {@code olderSchemas}; registry codecs write under the subject {@code <topic>-value} (the
     * registries' default TopicNameStrategy) and read every version the registry holds.
     */
    public <T extends SpecificRecord> RecordCodec<T> codec(
            Class<T> type, String topic, List<Schema> olderSchemas) {
        return switch (format) {
            case SINGLE_OBJECT -> new AvroCodec<>(type, olderSchemas);
            case REGISTRY -> new RegistryCodec<>(type, client(), subjectOf(topic));
        };
    }

    /** A client of this topic's registry (REGISTRY format only). */
    public SchemaRegistryClient client() {
        return new SchemaRegistryClient(registryUrl, requestTimeout, retryAfter);
    }

    /** The registry subject of the values of {@code topic}. */
    public static String subjectOf(String topic) {
        return topic + "-value";
    }
}
