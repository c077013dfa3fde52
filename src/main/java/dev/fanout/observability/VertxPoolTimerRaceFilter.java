package dev.fanout.observability;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Drops one known, harmless log record and nothing else: Vert.x 4.5's SQL pool
 * leaves its acquire-timeout timer running when an acquisition fails (the pool's
 * line of waiters is full), and the timer then fails an already failed promise,
 * which Vert.x reports as an uncaught {@code IllegalStateException: Result is already
 * complete} with a full stack trace (vertx-sql-client#1706). It changes no answer: the
 * request was already refused with a 503. Under overload it came once per refused
 * request, tens of thousands of stack traces written exactly when CPU was short.
 */
@LoggingFilter(name = "vertx-pool-timer-race")
public final class VertxPoolTimerRaceFilter implements Filter {

    static final String MESSAGE = "Result is already complete";
    static final String POOL_CLASS = "io.vertx.sqlclient.impl.pool.SqlConnectionPool";

    @Override
    public boolean isLoggable(LogRecord record) {
        return !isPoolTimerRace(record.getThrown());
    }

    static boolean isPoolTimerRace(Throwable thrown) {
        if (!(thrown instanceof IllegalStateException) || !MESSAGE.equals(thrown.getMessage())) {
            return false;
        }
        for (StackTraceElement frame : thrown.getStackTrace()) {
            if (frame.getClassName().equals(POOL_CLASS)) {
                return true;
            }
        }
        return false;
    }
}
