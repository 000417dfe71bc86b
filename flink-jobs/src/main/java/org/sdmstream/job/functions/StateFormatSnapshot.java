package org.sdmstream.job.functions;

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
 */
abstract class StateFormatSnapshot<T> implements TypeSerializerSnapshot<T> {

    static final int FORMAT_V1 = 1;
    /** Strings as UTF-8 bytes, compact numbers, pending clicks with the user id and profile written once. */
    static final int FORMAT_V2 = 2;
    static final int CURRENT_FORMAT = FORMAT_V2;

    private int format;

    StateFormatSnapshot(int format) {
        this.format = format;
    }

    /** The state's name for error messages. */
    abstract String stateName();

    /** The serializer that reads and writes {@code format} (one this class accepts). */
    abstract TypeSerializer<T> serializerFor(int format);

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
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion < FORMAT_V1 || readVersion > CURRENT_FORMAT) {
            throw new IOException(stateName() + " state format v" + readVersion + " is unknown to this job (it reads v"
                    + FORMAT_V1 + " to v" + CURRENT_FORMAT + "); restore with the job version that wrote it");
        }
        this.format = readVersion;
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        return serializerFor(format);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
        if (oldSnapshot == null || oldSnapshot.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldFormat = ((StateFormatSnapshot<T>) oldSnapshot).format;
        if (oldFormat == format) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        if (format == CURRENT_FORMAT && oldFormat < format) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
