package org.sdmstream.wire.registry;

/** A schema registry call that failed, with whether waiting could help. */
public final class RegistryLookupException extends RuntimeException {

    /** What went wrong. */
    public enum Problem {
        /** The registry answered that the id or subject does not exist. */
        NOT_FOUND,
        /**
         * The registry refused the schema (invalid, or incompatible with the subject's versions).
         */
        REFUSED,
        /** No answer: unreachable, timed out, or a server error; a later call may succeed. */
        UNAVAILABLE
    }

    private final Problem problem;

    public RegistryLookupException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
