package org.sdmstream.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.sdmstream.records.ClickEvent;
import org.sdmstream.records.DeadLetter;
import org.sdmstream.records.SessionFeatures;
import org.sdmstream.records.UserInterestVector;

/**
 * Pins that every schema change stays backward compatible: the current schema of each record reads
 * every released version (ReleasedSchemas), and every field of the current schemas is documented.
 */
class SchemaCompatibilityTest {

    static final List<Class<? extends SpecificRecord>> RECORDS =
            List.of(
                    ClickEvent.class,
                    SessionFeatures.class,
                    UserInterestVector.class,
                    DeadLetter.class);

    @Test
    void theCurrentSchemaReadsEveryReleasedVersion() {
        for (Class<? extends SpecificRecord> type : RECORDS) {
            Schema current = SpecificData.get().getSchema(type);
            List<Schema> released = ReleasedSchemas.of(type);
            assertThat(released).as("released versions of %s", type.getSimpleName()).isNotEmpty();
            for (int v = 0; v < released.size(); v++) {
                SchemaCompatibility.SchemaPairCompatibility check =
                        SchemaCompatibility.checkReaderWriterCompatibility(
                                current, released.get(v));
                assertThat(check.getType())
                        .as(
                                "%s reads released v%d: %s",
                                type.getSimpleName(),
                                v + 1,
                                check.getResult().getIncompatibilities())
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void everyOptionalFieldIsANullableUnionWithANullDefaultAndEveryFieldIsDocumented() {
        for (Class<? extends SpecificRecord> type : RECORDS) {
            checkFields(SpecificData.get().getSchema(type));
        }
    }

    private static void checkFields(Schema record) {
        for (Schema.Field f : record.getFields()) {
            assertThat(f.doc()).as("doc of %s.%s", record.getName(), f.name()).isNotBlank();
            if (f.schema().isUnion()) {
                assertThat(f.schema().getTypes().get(0).getType())
                        .as("%s.%s: null first", record.getName(), f.name())
                        .isEqualTo(Schema.Type.NULL);
                assertThat(f.defaultVal())
                        .as("%s.%s: null default", record.getName(), f.name())
                        .isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
            }
            Schema inner =
                    f.schema().getType() == Schema.Type.ARRAY
                            ? f.schema().getElementType()
                            : f.schema();
            if (inner.getType() == Schema.Type.RECORD && !inner.equals(record)) {
                checkFields(inner);
            }
        }
    }

    @Test
    void olderThanCurrentListsTheReleasedClickVersionsTheCurrentOneDoesNotWrite() {
        long current = SchemaNormalization.parsingFingerprint64(ClickEvent.getClassSchema());
        assertThat(ReleasedSchemas.olderThanCurrent(ClickEvent.class))
                .hasSize(2)
                .allSatisfy(
                        s ->
                                assertThat(SchemaNormalization.parsingFingerprint64(s))
                                        .isNotEqualTo(current));
        assertThat(ReleasedSchemas.olderThanCurrent(UserInterestVector.class)).isEmpty();
    }
}
