package org.sdmstream.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sdmstream.job.TestClicks;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.wire.WireFormat;
import org.sdmstream.wire.WireFormatException;
import org.sdmstream.wire.WireSettings;

/**
 * The click source with the registry wire format: what it cannot read becomes a dead letter with
 * its own reason.
 */
class RegistryClickDeserializerTest {

    static ClickRecordDeserializer registryDeserializer(String url) {
        return new ClickRecordDeserializer(
                new ClickValidator(Duration.ofHours(1), 32),
                List.of(),
                new WireSettings(
                        WireFormat.REGISTRY, url, Duration.ofSeconds(1), Duration.ofSeconds(30)),
                "clicks");
    }

    @Test
    void anUnreachableRegistryDeadLettersTheClickInsteadOfFailingTheJob() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ClickRecordDeserializer deserializer =
                registryDeserializer("http://127.0.0.1:" + closedPort);
        byte[] framed = {0, 0, 0, 0, 7, 2, 'u', 2, 'i'};

        for (int i = 0; i < 2; i++) {
            DecodedClick d =
                    deserializer.decode(
                            ClickRecordDeserializerTest.record(framed),
                            ClickRecordDeserializerTest.NOW);
            assertThat(d.isClick()).isFalse();
            assertThat(d.deadLetter.getReason())
                    .isEqualTo(DeadLetterReason.REGISTRY_UNAVAILABLE.name());
        }
    }

    @Test
    void aSingleObjectClickOnARegistryTopicIsUndecodable() {
        ClickRecordDeserializer deserializer = registryDeserializer("http://127.0.0.1:9");
        byte[] singleObject =
                AvroCodec.of(ClickEvent.class).encode(TestClicks.click("u", "i", TestClicks.T0));

        DecodedClick d =
                deserializer.decode(
                        ClickRecordDeserializerTest.record(singleObject),
                        ClickRecordDeserializerTest.NOW);

        assertThat(d.deadLetter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE.name());
        assertThat(d.deadLetter.getDetail()).contains("schema-registry header");
    }

    @Test
    void everyWireProblemHasADeadLetterReason() {
        for (WireFormatException.Kind kind : WireFormatException.Kind.values()) {
            assertThat(ClickRecordDeserializer.reasonOf(kind)).as(kind.name()).isNotNull();
        }
        assertThat(ClickRecordDeserializer.reasonOf(WireFormatException.Kind.UNKNOWN_SCHEMA_ID))
                .isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA_ID);
        assertThat(ClickRecordDeserializer.reasonOf(WireFormatException.Kind.INCOMPATIBLE_SCHEMA))
                .isEqualTo(DeadLetterReason.INCOMPATIBLE_SCHEMA);
    }
}
