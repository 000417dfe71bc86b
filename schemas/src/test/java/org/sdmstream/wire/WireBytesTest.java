package org.sdmstream.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HexFormat;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.sdmstream.records.ClickEvent;

/**
 * Pins the exact single-object bytes of one click, as docs/clients.md shows them to other
 * languages.
 */
class WireBytesTest {

    /**
     * CRC-64-AVRO of ClickEvent v3's Parsing Canonical Form, as the header carries it
     * (little-endian).
     */
    static final String CLICK_FINGERPRINT_LE = "bc72410d0b5ec762";

    static final String CLICK_BODY =
            "047531" + "046931" + "00" + "00" + "00" + "00" + "f6a1abfef962" + "00" + "02046531";

    @Test
    void aClickIsC301ThenTheLittleEndianFingerprintThenTheBody() {
        ClickEvent click =
                ClickEvent.newBuilder()
                        .setUserId("u1")
                        .setItemId("i1")
                        .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                        .setClientEventId("e1")
                        .build();

        byte[] payload = AvroCodec.of(ClickEvent.class).encode(click);

        assertThat(HexFormat.of().formatHex(payload))
                .isEqualTo("c301" + CLICK_FINGERPRINT_LE + CLICK_BODY);
        assertThat(AvroCodec.writerFingerprint(payload))
                .hasValue(SchemaNormalization.parsingFingerprint64(ClickEvent.getClassSchema()));
    }
}
