package org.sdmstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;
import org.sdmstream.features.ModelInput;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.wire.AvroCodec;

class FeatureRecordsTest {

    @Test
    void clickRoundTrips() {
        Click c =
                new Click(
                        "u", "sdk", new Behavior("i", "c", "b", "s", 42L), Map.of("age", "18-24"));
        assertThat(FeatureRecords.toClick(FeatureRecords.toClickEvent(c))).isEqualTo(c);
        Click bare = new Click("u", null, new Behavior("i", "c", null, "s", 42L));
        assertThat(FeatureRecords.toClick(FeatureRecords.toClickEvent(bare))).isEqualTo(bare);
    }

    @Test
    void modelInputRoundTripsThroughSessionFeatures() {
        ModelInput in =
                new ModelInput(
                        "u",
                        "u@1",
                        List.of(
                                new Behavior("a", null, null, null, 1),
                                new Behavior("b", "c", "d", "e", 2)),
                        List.of(new Behavior("h", "c", null, "s", 0)),
                        Map.of("g", "m"),
                        2);
        var f = FeatureRecords.toSessionFeatures(in, 99);
        assertThat(f.getPosition()).isEqualTo(2);
        assertThat(f.getEmissionTime().toEpochMilli()).isEqualTo(99);
        assertThat(FeatureRecords.toModelInput(f)).isEqualTo(in);
        // through the wire: Avro's own lists
        AvroCodec<SessionFeatures> codec = AvroCodec.of(SessionFeatures.class);
        SessionFeatures decoded = codec.decode(codec.encode(f));
        assertThat(decoded).isEqualTo(f);
        assertThat(FeatureRecords.toModelInput(decoded)).isEqualTo(in);
    }

    /** In the job the sessionizer's record goes to the scorer in the same thread. */
    @Test
    void aRecordMadeFromAModelInputGivesItBackWithoutACopyWhileItDescribesIt() {
        ModelInput in =
                new ModelInput(
                        "u",
                        "u@1",
                        List.of(new Behavior("a", "c", null, null, 1)),
                        List.of(new Behavior("h", "c", null, "s", 0)),
                        Map.of("g", "m"),
                        1);
        SessionFeatures f = FeatureRecords.toSessionFeatures(in, 99);
        assertThat(FeatureRecords.toModelInput(f)).isSameAs(in);
        assertThat(f.getSessionClicks())
                .containsExactly(new BehaviorRecord("a", "c", null, null, Instant.ofEpochMilli(1)));

        // a record changed after it was made describes another input
        f.getProfile().put("g", "f");
        ModelInput changed = FeatureRecords.toModelInput(f);
        assertThat(changed).isNotSameAs(in);
        assertThat(changed.profile()).isEqualTo(Map.of("g", "f"));
        assertThat(changed.session()).isEqualTo(in.session());
        SessionFeatures other = FeatureRecords.toSessionFeatures(in, 99);
        other.setUserId("v");
        assertThat(FeatureRecords.toModelInput(other).userId()).isEqualTo("v");
        SessionFeatures mixed = FeatureRecords.toSessionFeatures(in, 99);
        mixed.setHistory(List.of());
        assertThat(FeatureRecords.toModelInput(mixed).history()).isEmpty();
        SessionFeatures swapped = FeatureRecords.toSessionFeatures(in, 99);
        swapped.setHistory(swapped.getSessionClicks());
        assertThat(FeatureRecords.toModelInput(swapped).history()).isEqualTo(in.session());
        SessionFeatures otherSession = FeatureRecords.toSessionFeatures(in, 99);
        otherSession.setSessionId("u@2");
        assertThat(FeatureRecords.toModelInput(otherSession).sessionId()).isEqualTo("u@2");
        SessionFeatures otherTime = FeatureRecords.toSessionFeatures(in, 99);
        otherTime.setEventTime(Instant.ofEpochMilli(7));
        assertThat(FeatureRecords.toModelInput(otherTime).eventTime()).isEqualTo(7);
    }

    /** Between operators that do not chain, and in VectorThrottle's state, Flink's serializer. */
    @Test
    void flinksAvroSerializerCopiesAndSerializesARecordHoldingViews() throws Exception {
        ModelInput in =
                new ModelInput(
                        "u",
                        "u@1",
                        List.of(
                                new Behavior("a", "c", null, null, 1),
                                new Behavior("b", null, "d", "e", 2)),
                        List.of(new Behavior("h", "c", null, "s", 0)),
                        Map.of("g", "m"),
                        2);
        SessionFeatures f = FeatureRecords.toSessionFeatures(in, 99);
        var serializer =
                new AvroTypeInfo<>(SessionFeatures.class)
                        .createSerializer(new SerializerConfigImpl());
        SessionFeatures copy = serializer.copy(f);
        assertThat(copy).isEqualTo(f);
        assertThat(FeatureRecords.toModelInput(copy)).isEqualTo(in);
        var out = new DataOutputSerializer(256);
        serializer.serialize(f, out);
        SessionFeatures read =
                serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read).isEqualTo(f);
        assertThat(FeatureRecords.toModelInput(read)).isEqualTo(in);
    }
}
