package org.sdmstream.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;

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
}
