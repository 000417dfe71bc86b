package org.sdmstream.job.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.sdmstream.job.TestClicks;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.wire.AvroCodec;

/**
 * Every kind of bad input becomes a dead letter with its coordinates, bytes and reason; good input
 * a click.
 */
class ClickRecordDeserializerTest {

    static final long NOW = TestClicks.T0 + 1000;
    final ClickRecordDeserializer deserializer =
            new ClickRecordDeserializer(Duration.ofHours(1), 32);
    final AvroCodec<ClickEvent> codec = AvroCodec.of(ClickEvent.class);

    static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>(
                "clicks", 3, 1234L, "key".getBytes(StandardCharsets.UTF_8), value);
    }

    DeadLetter dead(byte[] value, DeadLetterReason reason) {
        DecodedClick d = deserializer.decode(record(value), NOW);
        assertThat(d.isClick()).as("dead letter expected").isFalse();
        assertThat(d.deadLetter.getReason()).isEqualTo(reason.name());
        assertThat(d.deadLetter.getSourceTopic()).isEqualTo("clicks");
        assertThat(d.deadLetter.getPartition()).isEqualTo(3);
        assertThat(d.deadLetter.getOffset()).isEqualTo(1234L);
        assertThat(d.deadLetter.getKey().array()).isEqualTo("key".getBytes(StandardCharsets.UTF_8));
        if (value != null) {
            assertThat(d.deadLetter.getValue().array()).as("raw bytes kept").isEqualTo(value);
        }
        assertThat(d.deadLetter.getDetail()).isNotBlank();
        assertThat(d.eventTimeForWatermark()).isEqualTo(Long.MIN_VALUE);
        return d.deadLetter;
    }

    @Test
    void aGoodClickPasses() {
        ClickEvent c = TestClicks.click("u", "i", TestClicks.T0);
        DecodedClick d = deserializer.decode(record(codec.encode(c)), NOW);
        assertThat(d.isClick()).isTrue();
        assertThat(d.click).isEqualTo(c);
        assertThat(d.eventTimeForWatermark()).isEqualTo(TestClicks.T0);
    }

    @Test
    void aTaskManagerClockBehindTheBrokerDoesNotRefuseCurrentClicks() {
        // The TaskManager's clock is two hours behind; the broker stamped the record at the click's
        // time.
        long brokerNow = NOW + Duration.ofHours(2).toMillis();
        ClickEvent current = TestClicks.click("u", "i", brokerNow - 1000);
        DecodedClick d = deserializer.decode(stamped(codec.encode(current), brokerNow), NOW);
        assertThat(d.isClick())
                .as("a click of the broker's present is not from the future")
                .isTrue();
        // Beyond max future of the later clock it is still refused.
        ClickEvent future = TestClicks.click("u", "i", brokerNow + Duration.ofHours(2).toMillis());
        assertThat(
                        deserializer
                                .decode(stamped(codec.encode(future), brokerNow), NOW)
                                .deadLetter
                                .getReason())
                .isEqualTo(DeadLetterReason.ABSURD_EVENT_TIME.name());
    }

    static ConsumerRecord<byte[], byte[]> stamped(byte[] value, long timestamp) {
        return new ConsumerRecord<>(
                "clicks",
                3,
                1234L,
                timestamp,
                TimestampType.LOG_APPEND_TIME,
                3,
                value.length,
                "key".getBytes(StandardCharsets.UTF_8),
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    @Test
    void undecodableAndUnknownSchemaPayloads() {
        dead("not avro at all".getBytes(StandardCharsets.UTF_8), DeadLetterReason.UNDECODABLE);
        dead(new byte[0], DeadLetterReason.UNDECODABLE);
        dead(null, DeadLetterReason.UNDECODABLE);
        byte[] good = codec.encode(TestClicks.click("u", "i", TestClicks.T0));
        dead(java.util.Arrays.copyOf(good, 13), DeadLetterReason.UNDECODABLE);

        Schema other =
                SchemaBuilder.record("Something")
                        .namespace("elsewhere")
                        .fields()
                        .requiredString("x")
                        .endRecord();
        GenericRecord r = new GenericData.Record(other);
        r.put("x", "y");
        byte[] foreign = encode(other, r);
        DeadLetter d = dead(foreign, DeadLetterReason.UNKNOWN_SCHEMA);
        assertThat(d.getDetail()).contains("fingerprint");
    }

    @Test
    void invalidClicks() {
        dead(
                codec.encode(TestClicks.click("", "i", TestClicks.T0)),
                DeadLetterReason.MISSING_USER_ID);
        dead(
                codec.encode(TestClicks.click("  ", "i", TestClicks.T0)),
                DeadLetterReason.MISSING_USER_ID);
        dead(
                codec.encode(TestClicks.click("u", "", TestClicks.T0)),
                DeadLetterReason.MISSING_ITEM_ID);
        dead(codec.encode(TestClicks.click("u", "i", -5)), DeadLetterReason.ABSURD_EVENT_TIME);
        dead(
                codec.encode(TestClicks.click("u", "i", NOW + Duration.ofHours(1).toMillis() + 1)),
                DeadLetterReason.ABSURD_EVENT_TIME);
        dead(
                codec.encode(TestClicks.click("u".repeat(33), "i", TestClicks.T0)),
                DeadLetterReason.OVERSIZE_ID);
        dead(
                codec.encode(TestClicks.click("u", "i", TestClicks.T0, "s".repeat(33))),
                DeadLetterReason.OVERSIZE_ID);

        // Right at the limits is fine.
        assertThat(
                        deserializer
                                .decode(
                                        record(
                                                codec.encode(
                                                        TestClicks.click(
                                                                "u".repeat(32),
                                                                "i",
                                                                NOW
                                                                        + Duration.ofHours(1)
                                                                                .toMillis()))),
                                        NOW)
                                .isClick())
                .isTrue();
        assertThat(
                        deserializer
                                .decode(record(codec.encode(TestClicks.click("u", "i", 0))), NOW)
                                .isClick())
                .isTrue();
    }

    @Test
    void olderSchemaVersionsCanBeAccepted() {
        Schema v1 =
                SchemaBuilder.record("ClickEvent")
                        .namespace("org.sdmstream.records")
                        .fields()
                        .requiredString("userId")
                        .requiredString("itemId")
                        .requiredString("categoryId")
                        .requiredString("shopId")
                        .optionalString("sessionId")
                        .name("eventTime")
                        .type(
                                org.apache.avro.LogicalTypes.timestampMillis()
                                        .addToSchema(Schema.create(Schema.Type.LONG)))
                        .noDefault()
                        .endRecord();
        GenericRecord r = new GenericData.Record(v1);
        r.put("userId", "u");
        r.put("itemId", "i");
        r.put("categoryId", "c");
        r.put("shopId", "s");
        r.put("eventTime", TestClicks.T0);
        byte[] payload = encode(v1, r);
        dead(payload, DeadLetterReason.UNKNOWN_SCHEMA);
        ClickRecordDeserializer knowsV1 =
                new ClickRecordDeserializer(
                        new ClickValidator(Duration.ofHours(1), 32), List.of(v1.toString()));
        DecodedClick d = knowsV1.decode(record(payload), NOW);
        assertThat(d.isClick()).isTrue();
        assertThat(d.click.getEventTime()).isEqualTo(Instant.ofEpochMilli(TestClicks.T0));
    }

    static byte[] encode(Schema schema, GenericRecord r) {
        try {
            var buffer =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
