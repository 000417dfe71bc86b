package org.sdmstream.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.wire.WireFormatException;

class KnownRecordsTest {

    private final KnownRecords records = new KnownRecords();

    @Test
    void findsTheTypeFromTheFingerprintAndWritesJson() {
        BehaviorRecord click =
                BehaviorRecord.newBuilder()
                        .setItemId("i1")
                        .setCategoryId("c1")
                        .setEventTime(Instant.ofEpochMilli(1_000))
                        .build();
        SessionFeatures features =
                SessionFeatures.newBuilder()
                        .setUserId("u")
                        .setSessionId("u@1000")
                        .setPosition(1)
                        .setSessionClicks(List.of(click))
                        .setHistory(List.of())
                        .setProfile(Map.of("age", "30"))
                        .setEventTime(Instant.ofEpochMilli(1_000))
                        .setEmissionTime(Instant.ofEpochMilli(2_000))
                        .build();
        ObjectNode json =
                RecordJson.toJson(
                        records.decode(AvroCodec.of(SessionFeatures.class).encode(features)));
        assertThat(json.toString())
                .isEqualTo(
                        "{\"userId\":\"u\",\"sessionId\":\"u@1000\",\"position\":1,"
                                + "\"sessionClicks\":[{\"itemId\":\"i1\",\"categoryId\":\"c1\",\"brandId\":null,\"shopId\":null,"
                                + "\"eventTime\":1000}],\"history\":[],\"profile\":{\"age\":\"30\"},\"eventTime\":1000,"
                                + "\"emissionTime\":2000}");

        UserInterestVector vector =
                UserInterestVector.newBuilder()
                        .setUserId("u")
                        .setVector(List.of(0.5f, -1f))
                        .setModelVersion("m1")
                        .setSessionId("u@1000")
                        .setSessionLength(1)
                        .setLongTermLength(0)
                        .setEventTime(Instant.ofEpochMilli(1_000))
                        .setEmissionTime(Instant.ofEpochMilli(3_000))
                        .build();
        ObjectNode v =
                RecordJson.toJson(
                        records.decode(AvroCodec.of(UserInterestVector.class).encode(vector)));
        assertThat(v.get("vector").toString()).isEqualTo("[0.5,-1.0]");

        DeadLetter dead =
                DeadLetter.newBuilder()
                        .setSourceTopic("clicks")
                        .setPartition(0)
                        .setOffset(7)
                        .setKey(ByteBuffer.wrap(new byte[] {1, 2}))
                        .setValue(null)
                        .setReason("UNDECODABLE")
                        .setDetail("x")
                        .setTime(Instant.ofEpochMilli(5))
                        .build();
        ObjectNode d =
                RecordJson.toJson(records.decode(AvroCodec.of(DeadLetter.class).encode(dead)));
        assertThat(d.get("key").asText()).isEqualTo("AQI=");
        assertThat(d.get("value").isNull()).isTrue();
    }

    @Test
    void anUnknownSchemaOrPlainBytesAreClearErrors() {
        Schema other = SchemaBuilder.record("Other").fields().requiredString("x").endRecord();
        GenericData.Record r = new GenericData.Record(other);
        r.put("x", "y");
        byte[] payload;
        try {
            ByteBuffer b =
                    new BinaryMessageEncoder<GenericData.Record>(GenericData.get(), other)
                            .encode(r);
            payload = new byte[b.remaining()];
            b.get(payload);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> records.decode(payload))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining(
                        "is none of [ClickEvent, SessionFeatures, UserInterestVector, UserRecommendations, DeadLetter]");
        assertThatThrownBy(() -> records.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("not an Avro single-object payload");
    }
}
