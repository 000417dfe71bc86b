package org.sdmstream.wire.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sdmstream.records.BehaviorRecord;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.wire.AvroCodec;
import org.sdmstream.wire.FloatArrayList;

class SingleObjectEncoderTest {

    static LongStream seeds() {
        return LongStream.range(0, 400);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void writesExactlyAvrosBytesAndTheyDecodeBack(long seed) {
        RandomRecords records = new RandomRecords(seed, false);
        assertSameAsAvro(SessionFeatures.class, records.sessionFeatures(), seed, true);
        assertSameAsAvro(UserInterestVector.class, records.userInterestVector(), seed, true);
        assertSameAsAvro(ClickEvent.class, records.clickEvent(), seed, true);
    }

    /** The job's vectors hold their floats unboxed; the bytes are those of the boxed list. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aVectorHeldAsAFloatArrayIsWrittenAsTheBoxedOneIs(long seed) {
        UserInterestVector boxed = new RandomRecords(seed, false).userInterestVector();
        float[] floats = new float[boxed.getVector().size()];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = boxed.getVector().get(i);
        }
        UserInterestVector unboxed =
                UserInterestVector.newBuilder(boxed).setVector(new FloatArrayList(floats)).build();
        assertSameAsAvro(UserInterestVector.class, unboxed, seed, true);
        assertThat(AvroCodec.of(UserInterestVector.class).encode(unboxed))
                .isEqualTo(avroBytes(UserInterestVector.class, boxed));
    }

    /** Unpaired surrogates: both write '?' for them, as String.getBytes(UTF_8) does. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void writesLoneSurrogatesAsAvroDoes(long seed) {
        RandomRecords records = new RandomRecords(seed, true);
        assertSameAsAvro(SessionFeatures.class, records.sessionFeatures(), seed, false);
        assertSameAsAvro(UserInterestVector.class, records.userInterestVector(), seed, false);
        assertSameAsAvro(ClickEvent.class, records.clickEvent(), seed, false);
    }

    @Test
    void everyWriterIsPinnedToItsClassesCurrentSchema() {
        assertThat(SingleObjectEncoder.writers())
                .containsOnlyKeys(
                        SessionFeatures.class, UserInterestVector.class, ClickEvent.class);
        SingleObjectEncoder.writers()
                .forEach(
                        (type, writer) -> {
                            long current =
                                    SingleObjectEncoder.schemaFingerprint(
                                            SpecificData.get().getSchema(type));
                            assertThat(writer.writtenForSchema())
                                    .as(
                                            "The %s schema changed. Check %s.write against the new schema field by field (order, "
                                                    + "types, unions, logical types), extend RandomRecords to the new fields, then set "
                                                    + "its WRITTEN_FOR_SCHEMA to 0x%xL. Until then AvroCodec encodes %s the slow way.",
                                            type.getSimpleName(),
                                            writer.getClass().getSimpleName(),
                                            current,
                                            type.getSimpleName())
                                    .isEqualTo(current);
                        });
    }

    @Test
    void aSchemaChangeThatKeepsTheWireFingerprintStillDisablesTheWriter() {
        Schema current = SessionFeatures.getClassSchema();
        Schema micros =
                new Schema.Parser()
                        .parse(current.toString().replace("timestamp-millis", "timestamp-micros"));

        // Avro's own fingerprint ignores logical types, yet micros would need other bytes than this
        // writer's.
        assertThat(SchemaNormalization.parsingFingerprint64(micros))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(current));
        assertThat(SingleObjectEncoder.forType(SessionFeatures.class, micros)).isEmpty();
        assertThat(SingleObjectEncoder.forType(SessionFeatures.class, current)).isPresent();
    }

    @Test
    void typesWithoutAWriterKeepAvrosGenericPath() {
        assertThat(SingleObjectEncoder.forType(DeadLetter.class, DeadLetter.getClassSchema()))
                .isEmpty();
        assertThat(AvroCodec.of(DeadLetter.class).fastEncoding()).isFalse();
        assertThat(AvroCodec.of(SessionFeatures.class).fastEncoding()).isTrue();
        assertThat(AvroCodec.of(UserInterestVector.class).fastEncoding()).isTrue();
        assertThat(AvroCodec.of(ClickEvent.class).fastEncoding()).isTrue();
    }

    @Test
    void aNullInANonNullableFieldFailsNamingTheField() {
        SessionFeatures f = new RandomRecords(1, false).sessionFeatures();
        f.setUserId(null);
        assertThatThrownBy(() -> AvroCodec.of(SessionFeatures.class).encode(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SessionFeatures.userId");

        UserInterestVector v = new RandomRecords(2, false).userInterestVector();
        v.setVector(java.util.Arrays.asList(1f, null));
        assertThatThrownBy(() -> AvroCodec.of(UserInterestVector.class).encode(v))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UserInterestVector.vector");

        ClickEvent c = new RandomRecords(3, false).clickEvent();
        c.setProfile(new java.util.HashMap<>(Map.of("age", "x")));
        c.getProfile().put("gender", null);
        assertThatThrownBy(() -> AvroCodec.of(ClickEvent.class).encode(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ClickEvent.profile");
    }

    @Test
    void oneEncoderReusesItsBufferAcrossSmallAndHugeRecords() {
        SingleObjectEncoder<SessionFeatures> encoder =
                SingleObjectEncoder.forType(SessionFeatures.class, SessionFeatures.getClassSchema())
                        .orElseThrow();
        BehaviorRecord big =
                new BehaviorRecord("i".repeat(2_000), null, "b", null, Instant.ofEpochMilli(1));
        SessionFeatures small = new RandomRecords(7, true).sessionFeatures();
        SessionFeatures huge =
                SessionFeatures.newBuilder(small)
                        .setHistory(java.util.Collections.nCopies(1_000, big))
                        .build(); // ~2 MB: past the retained size
        for (SessionFeatures f : List.of(small, huge, small, huge, small)) {
            assertThat(encoder.encode(f)).isEqualTo(avroBytes(SessionFeatures.class, f));
        }
    }

    private static <T extends SpecificRecord> void assertSameAsAvro(
            Class<T> type, T record, long seed, boolean wellFormed) {
        AvroCodec<T> codec = AvroCodec.of(type);
        assertThat(codec.fastEncoding()).isTrue();
        byte[] fast = codec.encode(record);
        assertThat(fast)
                .as("%s seed %d: fast bytes vs Avro's", type.getSimpleName(), seed)
                .isEqualTo(avroBytes(type, record));
        T decoded = codec.decode(fast);
        if (wellFormed) {
            assertThat(decoded)
                    .as("%s seed %d: decoded back", type.getSimpleName(), seed)
                    .isEqualTo(record);
        }
        // Decoded records hold Avro's own collections (GenericData.Array, HashMap in another
        // order).
        assertThat(codec.encode(decoded))
                .as("%s seed %d: decoded, fast bytes vs Avro's", type.getSimpleName(), seed)
                .isEqualTo(avroBytes(type, decoded));
    }

    static <T extends SpecificRecord> byte[] avroBytes(Class<T> type, T record) {
        SpecificData model = SpecificData.getForClass(type);
        try {
            ByteBuffer b = new BinaryMessageEncoder<T>(model, model.getSchema(type)).encode(record);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
