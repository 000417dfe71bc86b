package org.sdmstream.job.sessionizer;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a checkpoint records about one of the sessionizer's states: the format version its bytes are
 * in, and nothing else (the serializers have no parameters). The snapshot's own version IS that
 * format version, so a snapshot written by the v1 release (class name, version 1, no content) reads
 * as "format v1", and state restored but not yet rewritten is labelled with the format it is in.
 *
 * <p>On restore, Flink asks the job's (current-format) snapshot whether the checkpoint's format is
 * compatible: the same format is compatible as is; an older one is compatible after migration, and
 * {@link #restoreSerializer()} then returns a serializer that reads the old format, so the state
 * backend rewrites every value in the current format (RocksDB: value by value when the state is
 * first registered; heap: the objects are read with the old serializer and written with the new one
 * at the next checkpoint). A newer format than this job knows is refused with a clear message.
 *
 * <p>Flink records a snapshot's class name in every checkpoint and finds the class by that name on
 * restore, so the concrete snapshots keep the names release 0.1 gave them, in {@code
 * org.sdmstream.job.functions}.
 */
public abstract class StateFormatSnapshot<T> implements TypeSerializerSnapshot<T> {

    public static final int FORMAT_V1 = 1;

    /**
     * Strings as UTF-8 bytes, compact numbers, pending clicks with the user id and profile written
     * once.
     */
    public static final int FORMAT_V2 = 2;

    public static final int CURRENT_FORMAT = FORMAT_V2;

    private final String stateName;
    private final TypeSerializer<T> v1Serializer;
    private final TypeSerializer<T> currentSerializer;
    private int format;

    /**
     * @param stateName the state's name for error messages (also what tells two states' snapshots
     *     apart)
     * @param v1Serializer reads and writes format v1
     * @param currentSerializer reads and writes {@link #CURRENT_FORMAT}
     */
    protected StateFormatSnapshot(
            int format,
            String stateName,
            TypeSerializer<T> v1Serializer,
            TypeSerializer<T> currentSerializer) {
        this.format = format;
        this.stateName = stateName;
        this.v1Serializer = v1Serializer;
        this.currentSerializer = currentSerializer;
    }

    int format() {
        return format;
    }

    @Override
    public int getCurrentVersion() {
        return format;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {
        // The version (written by Flink) says everything.
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader)
            throws IOException {
        if (readVersion < FORMAT_V1 || readVersion > CURRENT_FORMAT) {
            throw new IOException(
                    stateName
                            + " state format v"
                            + readVersion
                            + " is unknown to this job (it reads v"
                            + FORMAT_V1
                            + " to v"
                            + CURRENT_FORMAT
                            + "); restore with the job version that wrote it");
        }
        this.format = readVersion;
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        return format == FORMAT_V1 ? v1Serializer : currentSerializer;
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> oldSnapshot) {
        if (!(oldSnapshot instanceof StateFormatSnapshot<T> old)
                || !old.stateName.equals(stateName)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldFormat = old.format;
        if (oldFormat == format) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        if (format == CURRENT_FORMAT && oldFormat < format) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
