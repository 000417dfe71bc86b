package org.sdmstream.wire;

/** A Kafka payload that is not a readable record of the expected type, with the reason why. */
public final class WireFormatException extends RuntimeException {

    /** Why a payload could not be read. */
    public enum Kind {
        /** No single-object header (not Avro, or written by a plain Avro serializer). */
        NOT_SINGLE_OBJECT,
        /** The header names a writer schema this reader does not know. */
        UNKNOWN_SCHEMA,
        /** The header is fine but the body does not parse with the writer schema. */
        CORRUPT,
        /**
         * No schema-registry header (magic byte 0 and a 4-byte schema id) where the registry format
         * was expected.
         */
        NOT_REGISTRY_FRAMED,
        /** The schema registry has no schema with the payload's id. */
        UNKNOWN_SCHEMA_ID,
        /**
         * The schema registry could not be asked (unreachable, timed out, or answered with a server
         * error).
         */
        REGISTRY_UNAVAILABLE,
        /** The registered writer schema does not resolve against this reader's schema. */
        INCOMPATIBLE_SCHEMA
    }

    private final Kind kind;

    public WireFormatException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public WireFormatException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
