package org.sdmstream.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.sdmstream.job.JobConfig;
import org.sdmstream.job.ingest.DecodedClick;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.wire.ReleasedSchemas;

/**
 * The job's click source reads clicks written with every released ClickEvent version, not only the
 * current one.
 */
class ReleasedClickVersionsTest {

    @Test
    void clicksOfEveryReleasedVersionAreRead() throws IOException {
        List<Schema> released = ReleasedSchemas.of(ClickEvent.class);
        assertThat(released).hasSizeGreaterThanOrEqualTo(2);
        for (Schema version : released) {
            GenericRecord r = new GenericData.Record(version);
            r.put("userId", "u1");
            r.put("itemId", "i1");
            r.put("categoryId", "");
            if (version.getField("shopId").schema().getType() == Schema.Type.STRING) {
                r.put("shopId", "s1"); // v1: required
            }
            r.put("eventTime", 1_700_000_000_000L);
            ByteBuffer buffer =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), version).encode(r);
            byte[] payload = new byte[buffer.remaining()];
            buffer.get(payload);

            DecodedClick d =
                    KafkaConnectors.clickDeserializer(JobConfig.defaults())
                            .decode(
                                    new ConsumerRecord<>("clicks", 0, 0, "u1".getBytes(), payload),
                                    1_700_000_000_000L);

            assertThat(d.isClick()).as("%s", d).isTrue();
            assertThat(d.click.getUserId()).isEqualTo("u1");
        }
    }
}
