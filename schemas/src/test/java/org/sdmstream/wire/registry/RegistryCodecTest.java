package org.sdmstream.wire.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.wire.ReleasedSchemas;
import org.sdmstream.wire.WireFormatException;

class RegistryCodecTest {

    /** The Avro body of {@link #click()} (docs/clients.md shows the same bytes). */
    static final String CLICK_BODY =
            "047531" + "046931" + "00" + "00" + "00" + "00" + "f6a1abfef962" + "00" + "02046531";

    final StubSchemaRegistry registry = newRegistry();

    static StubSchemaRegistry newRegistry() {
        try {
            return new StubSchemaRegistry();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    static ClickEvent click() {
        return ClickEvent.newBuilder()
                .setUserId("u1")
                .setItemId("i1")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .setClientEventId("e1")
                .build();
    }

    RegistryCodec<ClickEvent> codec() {
        return new RegistryCodec<>(
                ClickEvent.class,
                new SchemaRegistryClient(
                        registry.url(), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                "clicks-value");
    }

    @Test
    void writesMagicByteSchemaIdBigEndianAndTheAvroBody() {
        registry.startIdsAt(0x01020304); // every byte of the id differs, so byte order shows
        RegistryCodec<ClickEvent> codec = codec();

        byte[] payload = codec.encode(click());

        assertThat(codec.writerSchemaId()).isEqualTo(0x01020304);
        assertThat(registry.subjects).containsExactly("clicks-value");
        assertThat(HexFormat.of().formatHex(payload)).isEqualTo("0001020304" + CLICK_BODY);
        assertThat(codec.decode(payload)).isEqualTo(click());
    }

    @Test
    void theHeaderIsBigEndian() {
        assertThat(RegistryFraming.header(0x01020304)).containsExactly(0, 1, 2, 3, 4);
        assertThat(RegistryFraming.schemaId(new byte[] {0, 1, 2, 3, 4, 9})).hasValue(0x01020304);
        assertThat(RegistryFraming.schemaId(new byte[] {(byte) 0xC3, 1, 2, 3, 4})).isEmpty();
        assertThat(RegistryFraming.schemaId(new byte[] {0, 1, 2})).isEmpty();
    }

    @Test
    void readsEveryReleasedVersionAndLooksUpEachIdOnce() {
        Schema v2 = ReleasedSchemas.of(ClickEvent.class).get(1);
        registry.put(42, v2);
        GenericRecord r = new GenericData.Record(v2);
        r.put("userId", "u1");
        r.put("itemId", "i1");
        r.put("categoryId", "");
        r.put("eventTime", 1_700_000_000_123L);
        byte[] payload = framed(42, v2, r);
        RegistryCodec<ClickEvent> codec = codec();

        for (int i = 0; i < 3; i++) {
            ClickEvent c = codec.decode(payload);
            assertThat(c.getUserId()).isEqualTo("u1");
            assertThat(c.getClientEventId()).isNull();
        }
        assertThat(registry.lookups).hasValue(1);
    }

    @Test
    void anUnknownIdAnIncompatibleSchemaAndNoHeaderEachHaveTheirOwnKind() {
        RegistryCodec<ClickEvent> codec = codec();
        assertThatThrownBy(() -> codec.decode(HexFormat.of().parseHex("00000003e7" + CLICK_BODY)))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(WireFormatException.Kind.UNKNOWN_SCHEMA_ID));

        Schema noUser =
                SchemaBuilder.record("ClickEvent")
                        .namespace("org.sdmstream.records")
                        .fields()
                        .requiredString("itemId")
                        .endRecord();
        registry.put(77, noUser);
        GenericRecord r = new GenericData.Record(noUser);
        r.put("itemId", "i1");
        assertThatThrownBy(() -> codec.decode(framed(77, noUser, r)))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(WireFormatException.Kind.INCOMPATIBLE_SCHEMA));

        assertThatThrownBy(() -> codec.decode(HexFormat.of().parseHex("c301" + CLICK_BODY)))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(WireFormatException.Kind.NOT_REGISTRY_FRAMED));
    }

    @Test
    void anUnreachableRegistryIsItsOwnKindAndIsNotAskedAgainAtOnce() {
        String url = registry.url();
        registry.close();
        RegistryCodec<ClickEvent> codec =
                new RegistryCodec<>(
                        ClickEvent.class,
                        new SchemaRegistryClient(url, Duration.ofSeconds(1), Duration.ofMinutes(1)),
                        "clicks-value");
        byte[] payload = HexFormat.of().parseHex("0000000001" + CLICK_BODY);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> codec.decode(payload))
                    .isInstanceOfSatisfying(
                            WireFormatException.class,
                            e ->
                                    assertThat(e.kind())
                                            .isEqualTo(
                                                    WireFormatException.Kind.REGISTRY_UNAVAILABLE));
        }
    }

    @Test
    void aConflictOnRegisteringIsAskedOnceMore() {
        SchemaRegistryClient client =
                new SchemaRegistryClient(
                        registry.url(), Duration.ofSeconds(2), Duration.ofSeconds(10));
        registry.conflictOnNext(1);
        int id = client.register("clicks-value", ClickEvent.getClassSchema());
        assertThat(registry.registrations).hasValue(2);
        assertThat(client.schemaById(id)).isEqualTo(ClickEvent.getClassSchema());

        registry.conflictOnNext(2);
        assertThatThrownBy(() -> client.register("views-value", Schema.create(Schema.Type.LONG)))
                .isInstanceOfSatisfying(
                        RegistryLookupException.class,
                        e ->
                                assertThat(e.problem())
                                        .isEqualTo(RegistryLookupException.Problem.REFUSED));
        assertThat(registry.registrations).as("asked once more, not more").hasValue(4);
    }

    static byte[] framed(int id, Schema schema, GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(RegistryFraming.header(id));
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
