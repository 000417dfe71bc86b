package org.sdmstream.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.wire.registry.RegistryFraming;

class OutputKeysTest {

    private final OutputKeys keys = new OutputKeys();

    @Test
    void readsUserAndEventTimeOfBothOutputTypesPastTheirOtherFields() {
        BehaviorRecord click =
                BehaviorRecord.newBuilder()
                        .setItemId("i1")
                        .setCategoryId("c1")
                        .setBrandId(null)
                        .setShopId("s1")
                        .setEventTime(Instant.ofEpochMilli(1_000))
                        .build();
        SessionFeatures features =
                SessionFeatures.newBuilder()
                        .setUserId("ü-1")
                        .setSessionId("ü-1@1000")
                        .setPosition(2)
                        .setSessionClicks(List.of(click, click))
                        .setHistory(List.of(click))
                        .setProfile(Map.of("age", "30"))
                        .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                        .setEmissionTime(Instant.ofEpochMilli(2_000))
                        .build();
        assertThat(keys.read(AvroCodec.of(SessionFeatures.class).encode(features)))
                .isEqualTo(new OutputKeys.Key("ü-1", 1_700_000_000_123L));

        UserInterestVector vector =
                UserInterestVector.newBuilder()
                        .setUserId("u2")
                        .setVector(List.of(0.5f, -1f))
                        .setModelVersion("m1")
                        .setSessionId("u2@1")
                        .setSessionLength(1)
                        .setLongTermLength(0)
                        .setEventTime(Instant.ofEpochMilli(42))
                        .setEmissionTime(Instant.ofEpochMilli(43))
                        .build();
        assertThat(keys.read(AvroCodec.of(UserInterestVector.class).encode(vector)))
                .isEqualTo(new OutputKeys.Key("u2", 42));
    }

    @Test
    void otherRecordsAndGarbageHaveNoKey() {
        ClickEvent c =
                ClickEvent.newBuilder()
                        .setUserId("u")
                        .setItemId("i")
                        .setCategoryId("")
                        .setEventTime(Instant.ofEpochMilli(1))
                        .build();
        assertThat(keys.read(AvroCodec.of(ClickEvent.class).encode(c))).isNull();
        assertThat(keys.read(new byte[] {1, 2, 3})).isNull();
        assertThat(keys.read(new byte[20])).isNull();
        assertThat(keys.read(null)).isNull();
    }

    @Test
    void readsRegistryFramedOutputsWithTheWriterSchemaOfTheirId() {
        UserInterestVector vector =
                UserInterestVector.newBuilder()
                        .setUserId("u3")
                        .setVector(List.of(0.25f))
                        .setModelVersion("m1")
                        .setSessionId("u3@1")
                        .setSessionLength(1)
                        .setLongTermLength(0)
                        .setEventTime(Instant.ofEpochMilli(77))
                        .setEmissionTime(Instant.ofEpochMilli(78))
                        .build();
        ClickEvent click =
                ClickEvent.newBuilder()
                        .setUserId("u")
                        .setItemId("i")
                        .setEventTime(Instant.ofEpochMilli(1))
                        .build();
        Map<Integer, Schema> registry = new HashMap<>();
        registry.put(7, UserInterestVector.getClassSchema());
        registry.put(8, ClickEvent.getClassSchema());
        OutputKeys registryKeys =
                new OutputKeys(
                        id -> {
                            Schema s = registry.get(id);
                            if (s == null) {
                                throw new IllegalStateException("unknown id " + id);
                            }
                            return s;
                        });
        byte[] vectorBody = body(AvroCodec.of(UserInterestVector.class).encode(vector));

        assertThat(registryKeys.read(framed(7, vectorBody)))
                .isEqualTo(new OutputKeys.Key("u3", 77));
        assertThat(registryKeys.read(framed(8, body(AvroCodec.of(ClickEvent.class).encode(click)))))
                .as("a click is no output")
                .isNull();
        assertThat(registryKeys.read(AvroCodec.of(UserInterestVector.class).encode(vector)))
                .as("single-object, not registry-framed")
                .isNull();
        assertThat(registryKeys.read(framed(9, vectorBody))).as("unknown id").isNull();
        registry.put(9, UserInterestVector.getClassSchema());
        assertThat(registryKeys.read(framed(9, vectorBody)))
                .as("an id unknown before is asked again")
                .isEqualTo(new OutputKeys.Key("u3", 77));
        assertThat(keys.read(framed(7, vectorBody))).as("a single-object reader").isNull();
    }

    /** The Avro body of a single-object payload (after its 10-byte header). */
    private static byte[] body(byte[] singleObject) {
        return Arrays.copyOfRange(singleObject, 10, singleObject.length);
    }

    private static byte[] framed(int id, byte[] body) {
        byte[] header = RegistryFraming.header(id);
        byte[] out = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, out, header.length, body.length);
        return out;
    }
}
