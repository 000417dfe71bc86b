package org.sdmstream.job.kafka;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.sdmstream.job.JobConfig;
import org.sdmstream.wire.WireFormat;
import org.sdmstream.wire.WireSettings;

/**
 * The wire format of each topic the job reads or writes ({@link WireFormat}: {@code single-object}
 * or {@code registry}) and the schema registry the {@code registry} topics use.
 */
public final class WireOptions {

    public static final ConfigOption<WireFormat> CLICKS = format("clicks", "the clicks topic");
    public static final ConfigOption<WireFormat> USER_VECTORS =
            format("user-vectors", "the user-vectors topic");
    public static final ConfigOption<WireFormat> SESSION_FEATURES =
            format("session-features", "the session-features topic");
    public static final ConfigOption<WireFormat> DEAD_LETTERS =
            format("dead-letters", "the dead-letters topic");
    public static final ConfigOption<WireFormat> LATE_CLICKS =
            format("late-clicks", "the late-clicks topic");
    public static final ConfigOption<WireFormat> RECOMMENDATIONS =
            format("recommendations", "the recommendations topic");

    public static final ConfigOption<String> REGISTRY_URL =
            key("schema-registry.url")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "base URL of a Confluent-compatible schema registry (Apicurio: .../apis/ccompat/v7); "
                                    + "needed when a topic uses the registry format");

    public static final ConfigOption<Duration> REGISTRY_REQUEST_TIMEOUT =
            key("schema-registry.request-timeout")
                    .durationType()
                    .defaultValue(WireSettings.SINGLE_OBJECT.requestTimeout())
                    .withDescription("how long one registry call may take");

    public static final ConfigOption<Duration> REGISTRY_RETRY_AFTER =
            key("schema-registry.retry-after")
                    .durationType()
                    .defaultValue(WireSettings.SINGLE_OBJECT.retryAfter())
                    .withDescription(
                            "a failed schema lookup is answered from memory this long before the registry is asked again");

    private WireOptions() {}

    /**
     * The wire settings of the topic whose format {@code option} sets; a registry topic without a
     * URL fails here.
     */
    public static WireSettings settings(JobConfig config, ConfigOption<WireFormat> option) {
        try {
            return new WireSettings(
                    config.get(option),
                    config.get(REGISTRY_URL),
                    config.get(REGISTRY_REQUEST_TIMEOUT),
                    config.get(REGISTRY_RETRY_AFTER));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    option.key()
                            + "="
                            + config.get(option)
                            + ": "
                            + e.getMessage()
                            + " (set "
                            + REGISTRY_URL.key()
                            + ")",
                    e);
        }
    }

    private static ConfigOption<WireFormat> format(String topic, String what) {
        return key("wire-format." + topic)
                .enumType(WireFormat.class)
                .defaultValue(WireFormat.SINGLE_OBJECT)
                .withDescription("wire format of " + what + ": single-object or registry");
    }
}
