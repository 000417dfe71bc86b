package org.sdmstream.job.ingest;

/**
 * Why a record went to the dead-letter topic instead of on through the job; the name is the
 * record's reason code. All but {@link #SCORING_FAILED} are clicks stopped before the sessionizer.
 */
public enum DeadLetterReason {
    /**
     * The payload is not a readable ClickEvent (no single-object or registry header, corrupt body,
     * empty value).
     */
    UNDECODABLE,
    /** The payload's writer schema fingerprint is not a known ClickEvent version. */
    UNKNOWN_SCHEMA,
    /** The user id is empty or blank: the click cannot be keyed. */
    MISSING_USER_ID,
    /** The item id is empty or blank: the click says nothing. */
    MISSING_ITEM_ID,
    /**
     * Negative, or further in the future than the configured maximum; it would poison the
     * watermark.
     */
    ABSURD_EVENT_TIME,
    /** An id longer than the configured maximum; it would bloat every state entry it lands in. */
    OVERSIZE_ID,
    /**
     * No longer produced (clicks beyond the pending buffer spill to state); kept so older dead
     * letters still name a reason.
     */
    PENDING_OVERFLOW,
    /**
     * The model threw on this input (a SessionFeatures, not a click) while it scored the inputs
     * around it.
     */
    SCORING_FAILED,
    /** Registry wire format: the schema registry has no schema with the record's id. */
    UNKNOWN_SCHEMA_ID,
    /**
     * Registry wire format: the schema registry could not be asked; the record is kept here, the
     * job goes on.
     */
    REGISTRY_UNAVAILABLE,
    /**
     * Registry wire format: the record's registered writer schema does not resolve against
     * ClickEvent.
     */
    INCOMPATIBLE_SCHEMA
}
