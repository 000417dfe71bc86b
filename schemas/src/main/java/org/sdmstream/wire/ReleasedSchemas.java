package org.sdmstream.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every schema version of the pipeline's records that was ever released, shipped in this jar under
 * {@code org/sdmstream/records/released/<Record>-v<N>.avsc}: what producers and stored topics may
 * still carry, so readers accept them and every schema change is tested backward compatible against
 * them. A release copies each changed {@code .avsc} here as the next version; nothing here is ever
 * edited.
 */
public final class ReleasedSchemas {

    private static final String DIRECTORY = "/org/sdmstream/records/released/";

    private ReleasedSchemas() {}

    /** The released versions of {@code type}'s schema, oldest first (v1, v2, ...). */
    public static List<Schema> of(Class<? extends SpecificRecord> type) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in =
                    ReleasedSchemas.class.getResourceAsStream(
                            DIRECTORY + type.getSimpleName() + "-v" + v + ".avsc")) {
                if (in == null) {
                    return List.copyOf(versions);
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read released schema v" + v + " of " + type.getSimpleName(), e);
            }
        }
    }

    /**
     * The released versions of {@code type} that the current schema does not write (a different
     * parsing fingerprint): what an {@link AvroCodec} must be given to read every payload ever
     * released.
     */
    public static List<Schema> olderThanCurrent(Class<? extends SpecificRecord> type) {
        long current =
                SchemaNormalization.parsingFingerprint64(
                        SpecificData.getForClass(type).getSchema(type));
        return of(type).stream()
                .filter(s -> SchemaNormalization.parsingFingerprint64(s) != current)
                .toList();
    }
}
