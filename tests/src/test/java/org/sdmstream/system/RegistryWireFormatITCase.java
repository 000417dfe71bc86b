package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sdmstream.system.ClickScript.MINUTE;
import static org.sdmstream.system.ClickScript.T0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sdmstream.job.ingest.DeadLetterReason;
import org.sdmstream.job.kafka.WireOptions;
import org.sdmstream.job.retrieval.RetrievalOptions;
import org.sdmstream.local.LocalSchemaRegistry;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.UserInterestVector;
import org.sdmstream.records.UserRecommendations;
import org.sdmstream.wire.WireFormat;
import org.sdmstream.wire.WireSettings;
import org.sdmstream.wire.registry.RegistryCodec;
import org.sdmstream.wire.registry.RegistryFraming;
import org.sdmstream.wire.registry.SchemaRegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring job with every topic it reads and writes in the {@code registry} wire format, against
 * a real registry ({@link LocalSchemaRegistry}, Apicurio): clicks come from a registry-aware
 * producer in two schema versions, the job's own {@code click_event.avsc} and a v2 that adds an
 * optional {@code referrer}, mixed on both partitions. Every click gets the vector the offline
 * scorer gives it, exactly as the single-object system tests check, read back through the registry;
 * a record with an id the registry never gave is a dead letter {@code UNKNOWN_SCHEMA_ID}, and the
 * job goes on.
 */
@ExtendWith(SystemUnderTest.Shared.class)
class RegistryWireFormatITCase {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryWireFormatITCase.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int UNKNOWN_ID = 999_999;

    @Test
    void clicksOfTwoSchemaVersionsScoreAsWithSingleObjectAndAnUnknownIdIsADeadLetter(
            SystemUnderTest sut) throws Exception {
        long started = System.nanoTime();
        try (LocalSchemaRegistry registry =
                LocalSchemaRegistry.start(sut.workDir.resolve("registry"))) {
            long registryUp = System.nanoTime();
            runWith(sut, registry, started, registryUp);
        }
    }

    private static void runWith(
            SystemUnderTest sut, LocalSchemaRegistry registry, long started, long registryUp)
            throws Exception {
        try (JobDeployment pipeline =
                        new JobDeployment(sut, "registry-wire").scoring(sut.tinyModel());
                SdmScorer scorer = Expectations.offlineScorer(sut.tinyModel())) {
            String vectors = pipeline.vectorsTopic();
            pipeline.configure(WireOptions.REGISTRY_URL, registry.url())
                    .configure(WireOptions.CLICKS, WireFormat.REGISTRY)
                    .configure(WireOptions.USER_VECTORS, WireFormat.REGISTRY)
                    .configure(WireOptions.DEAD_LETTERS, WireFormat.REGISTRY);
            // Top-K too: the recommendations topic registers its schema like the vectors'.
            String recommendations = pipeline.topic("recommendations");
            pipeline.configure(RetrievalOptions.K, 5)
                    .configure(RetrievalOptions.RECOMMENDATIONS_TOPIC, recommendations)
                    .configure(WireOptions.RECOMMENDATIONS, WireFormat.REGISTRY);
            SchemaRegistryClient client =
                    new SchemaRegistryClient(
                            registry.url(), Duration.ofSeconds(5), Duration.ofSeconds(1));
            ClickProducer producer = new ClickProducer(client, pipeline.clicks);
            assertThat(producer.v2Id).isNotEqualTo(producer.v1.writerSchemaId());

            List<ClickEvent> clicks =
                    new ArrayList<>(
                            ClickScript.users(new Random(23), "rw", 6, T0, T0 + 30 * MINUTE));
            clicks.addAll(ClickScript.flush("rw", T0 + 31 * MINUTE));
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < clicks.size(); i++) {
                ClickEvent c = clicks.get(i);
                byte[] value = i % 2 == 0 ? producer.v1.encode(c) : producer.v2(c, "ref-" + i);
                records.add(withValue(pipeline.record(c), value));
            }
            int badAt = records.size() / 2;
            byte[] unknownId = RegistryFraming.header(UNKNOWN_ID);
            records.add(
                    badAt,
                    new ProducerRecord<>(
                            pipeline.clicks,
                            0,
                            null,
                            "bad".getBytes(StandardCharsets.UTF_8),
                            concat(unknownId, producer.v1Body(clicks.get(0)))));

            String job = pipeline.submit(pipeline.run(2));
            List<RecordMetadata> written =
                    ClickFeeder.writeAll(sut.broker.bootstrapServers(), records);
            int expected = ClickScript.count(ClickScript.expectedByUser(clicks));
            RegistryCodec<UserInterestVector> vectorCodec =
                    new RegistryCodec<>(
                            UserInterestVector.class, client, WireSettings.subjectOf(vectors));
            List<UserInterestVector> output =
                    pipeline.read(vectors, expected).stream()
                            .map(r -> vectorCodec.decode(r.value()))
                            .toList();
            RegistryCodec<DeadLetter> deadCodec =
                    new RegistryCodec<>(
                            DeadLetter.class, client, WireSettings.subjectOf(pipeline.deadLetters));
            List<DeadLetter> dead =
                    pipeline.read(pipeline.deadLetters, 1).stream()
                            .map(r -> deadCodec.decode(r.value()))
                            .toList();
            RegistryCodec<UserRecommendations> recommendationCodec =
                    new RegistryCodec<>(
                            UserRecommendations.class,
                            client,
                            WireSettings.subjectOf(recommendations));
            List<UserRecommendations> recommended =
                    pipeline.read(recommendations, expected).stream()
                            .map(r -> recommendationCodec.decode(r.value()))
                            .toList();
            pipeline.cancel(job);

            Expectations.assertVectorsExactlyOffline(output, clicks, scorer);
            assertThat(recommended)
                    .as("one registry-framed UserRecommendations per vector")
                    .hasSize(output.size())
                    .allSatisfy(
                            r ->
                                    assertThat(r.getItemIds())
                                            .isNotEmpty()
                                            .hasSizeLessThanOrEqualTo(5));
            assertThat(recommended.stream().map(UserRecommendations::getUserId).sorted().toList())
                    .isEqualTo(
                            output.stream().map(UserInterestVector::getUserId).sorted().toList());
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).getReason())
                    .isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA_ID.name());
            assertThat(dead.get(0).getPartition()).isEqualTo(written.get(badAt).partition());
            assertThat(dead.get(0).getOffset()).isEqualTo(written.get(badAt).offset());
            assertThat(dead.get(0).getDetail()).contains(Integer.toString(UNKNOWN_ID));

            assertThat(versions(registry, WireSettings.subjectOf(pipeline.clicks)))
                    .as("click schema versions")
                    .hasSize(2);
            assertThat(versions(registry, WireSettings.subjectOf(vectors)))
                    .as("the job registered the vector schema")
                    .hasSize(1);
            LOG.info(
                    "registry wire format: {} clicks in 2 schema versions, {} vectors, 1 dead letter;"
                            + " registry started in {} ms, whole test {} ms",
                    clicks.size(),
                    output.size(),
                    SystemUnderTest.ms(started, registryUp),
                    SystemUnderTest.ms(started, System.nanoTime()));
        }
    }

    /**
     * What a producer with a registry-aware serializer sends: v1 through the pipeline's own codec,
     * v2 (v1 plus an optional {@code referrer}) registered under the same subject and written with
     * Avro's generic writer.
     */
    private static final class ClickProducer {

        final RegistryCodec<ClickEvent> v1;
        final Schema v2Schema;
        final int v2Id;
        private final SpecificData model = SpecificData.getForClass(ClickEvent.class);

        ClickProducer(SchemaRegistryClient client, String topic) {
            String subject = WireSettings.subjectOf(topic);
            v1 = new RegistryCodec<>(ClickEvent.class, client, subject);
            v1.writerSchemaId();
            v2Schema = withReferrer(ClickEvent.getClassSchema());
            v2Id = client.register(subject, v2Schema);
        }

        byte[] v2(ClickEvent click, String referrer) throws IOException {
            GenericRecord record = new GenericData.Record(v2Schema);
            for (Schema.Field f : ClickEvent.getClassSchema().getFields()) {
                record.put(f.name(), click.get(f.pos()));
            }
            record.put("referrer", referrer);
            return concat(RegistryFraming.header(v2Id), body(v2Schema, record));
        }

        byte[] v1Body(ClickEvent click) throws IOException {
            return body(ClickEvent.getClassSchema(), click);
        }

        private byte[] body(Schema schema, Object record) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<>(schema, model).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        }

        private static Schema withReferrer(Schema v1) {
            List<Schema.Field> fields = new ArrayList<>();
            v1.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
            fields.add(
                    new Schema.Field(
                            "referrer",
                            Schema.createUnion(
                                    Schema.create(Schema.Type.NULL),
                                    Schema.create(Schema.Type.STRING)),
                            "where the click came from (a newer producer's field the job does"
                                    + " not read)",
                            Schema.Field.NULL_DEFAULT_VALUE));
            return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
        }
    }

    private static ProducerRecord<byte[], byte[]> withValue(
            ProducerRecord<byte[], byte[]> r, byte[] value) {
        return new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), r.key(), value);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The versions of {@code subject} the registry holds. */
    private static List<Integer> versions(LocalSchemaRegistry registry, String subject)
            throws IOException, InterruptedException {
        HttpResponse<String> answer =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        registry.url()
                                                                + "/subjects/"
                                                                + subject
                                                                + "/versions"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<Integer> versions = new ArrayList<>();
        for (JsonNode v : JSON.readTree(answer.body())) {
            versions.add(v.asInt());
        }
        return versions;
    }
}
