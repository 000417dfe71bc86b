package org.sdmstream.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;

class AvroCodecTest {

    static Schema clickEventV1() throws IOException {
        try (InputStream in =
                AvroCodecTest.class.getResourceAsStream(
                        "/org/sdmstream/records/released/ClickEvent-v1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    static ClickEvent click() {
        return ClickEvent.newBuilder()
                .setUserId("u1")
                .setItemId("i1")
                .setCategoryId("c1")
                .setBrandId("b1")
                .setShopId("s1")
                .setSessionId("sdk-7")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .setProfile(Map.of("age", "25-34", "gender", "f"))
                .build();
    }

    @Test
    void roundTripsEveryRecordType() {
        ClickEvent c = click();
        assertThat(AvroCodec.of(ClickEvent.class).decode(AvroCodec.of(ClickEvent.class).encode(c)))
                .isEqualTo(c);

        BehaviorRecord b = new BehaviorRecord("i1", "c1", null, "s1", Instant.ofEpochMilli(5));
        SessionFeatures f =
                SessionFeatures.newBuilder()
                        .setUserId("u1")
                        .setSessionId("u1@5")
                        .setPosition(1)
                        .setSessionClicks(List.of(b))
                        .setHistory(List.of())
                        .setProfile(Map.of())
                        .setEventTime(Instant.ofEpochMilli(5))
                        .setEmissionTime(Instant.ofEpochMilli(9))
                        .build();
        AvroCodec<SessionFeatures> fc = AvroCodec.of(SessionFeatures.class);
        assertThat(fc.decode(fc.encode(f))).isEqualTo(f);

        UserInterestVector v =
                UserInterestVector.newBuilder()
                        .setUserId("u1")
                        .setVector(List.of(0.5f, -1f))
                        .setModelVersion("m1")
                        .setSessionId("u1@5")
                        .setSessionLength(1)
                        .setLongTermLength(0)
                        .setEventTime(Instant.ofEpochMilli(5))
                        .setEmissionTime(Instant.ofEpochMilli(6))
                        .build();
        AvroCodec<UserInterestVector> vc = AvroCodec.of(UserInterestVector.class);
        assertThat(vc.decode(vc.encode(v))).isEqualTo(v);

        DeadLetter d =
                DeadLetter.newBuilder()
                        .setSourceTopic("clicks")
                        .setPartition(1)
                        .setOffset(42)
                        .setKey(null)
                        .setValue(ByteBuffer.wrap(new byte[] {1, 2}))
                        .setReason("UNDECODABLE")
                        .setDetail("x")
                        .setTime(Instant.ofEpochMilli(7))
                        .build();
        AvroCodec<DeadLetter> dc = AvroCodec.of(DeadLetter.class);
        assertThat(dc.decode(dc.encode(d))).isEqualTo(d);
    }

    @Test
    void payloadStartsWithSingleObjectHeaderAndFingerprint() {
        byte[] bytes = AvroCodec.of(ClickEvent.class).encode(click());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint)
                .isEqualTo(
                        org.apache.avro.SchemaNormalization.parsingFingerprint64(
                                ClickEvent.getClassSchema()));
    }

    @Test
    void readsRecordsWrittenWithTheOlderSchemaVersion() throws IOException {
        Schema v1 = clickEventV1();
        GenericRecord old = new GenericData.Record(v1);
        old.put("userId", "u9");
        old.put("itemId", "i9");
        old.put("categoryId", "c9");
        old.put("shopId", "s9");
        old.put("sessionId", null);
        old.put("eventTime", 1_700_000_000_000L);
        ByteBuffer written =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] payload = new byte[written.remaining()];
        written.get(payload);

        ClickEvent read = new AvroCodec<>(ClickEvent.class, List.of(v1)).decode(payload);

        assertThat(read.getUserId()).isEqualTo("u9");
        assertThat(read.getShopId()).isEqualTo("s9");
        assertThat(read.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(read.getBrandId()).as("field added in v2 takes its default").isNull();
        assertThat(read.getProfile()).isNull();

        // A reader that was not told about v1 refuses the payload with a clear reason.
        assertThatThrownBy(() -> AvroCodec.of(ClickEvent.class).decode(payload))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(WireFormatException.Kind.UNKNOWN_SCHEMA))
                .hasMessageContaining("fingerprint 0x");
    }

    @Test
    void garbageFailsWithAClearException() {
        AvroCodec<ClickEvent> codec = AvroCodec.of(ClickEvent.class);
        assertThatThrownBy(() -> codec.decode("hello, not avro".getBytes()))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(WireFormatException.Kind.NOT_SINGLE_OBJECT));
        assertThatThrownBy(() -> codec.decode(new byte[0]))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(WireFormatException.Kind.NOT_SINGLE_OBJECT));

        // Right header and fingerprint, truncated body.
        byte[] good = codec.encode(click());
        byte[] truncated = java.util.Arrays.copyOf(good, 14);
        assertThatThrownBy(() -> codec.decode(truncated))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e -> assertThat(e.kind()).isEqualTo(WireFormatException.Kind.CORRUPT))
                .hasMessageContaining("ClickEvent");

        // Right header, a fingerprint nobody knows.
        byte[] unknown = good.clone();
        unknown[5] ^= 0x55;
        assertThatThrownBy(() -> codec.decode(unknown))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(WireFormatException.Kind.UNKNOWN_SCHEMA));
    }
}
