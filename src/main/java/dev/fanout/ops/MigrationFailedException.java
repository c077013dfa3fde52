package dev.fanout.ops;

import dev.fanout.problem.ProblemException;

/**
 * Flyway could not bring the schema up to date. A 500, so that the Web Adapter
 * ({@code AWS_LWA_ERROR_STATUS_CODES=500-599}) fails the invocation and with it the
 * deploy; what went wrong is in the function's log, never in the answer.
 */
public class MigrationFailedException extends ProblemException {

    public MigrationFailedException(Throwable cause) {
        super(500, "migration-failed", "Migration failed",
                "The database schema could not be migrated; the function's log says why", cause);
    }
}
