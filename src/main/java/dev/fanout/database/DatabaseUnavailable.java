package dev.fanout.database;

import java.net.ConnectException;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Recognises the failures that mean "the database cannot serve this now" (down,
 * restarting, or every connection busy and the line full) rather than a bug:
 * those are a 503 that a client may retry, never a 500.
 */
public final class DatabaseUnavailable {

    /** What the Vert.x pool fails an acquisition with when its connection timeout passes. */
    private static final String ACQUIRE_TIMEOUT = "Timeout";

    private DatabaseUnavailable() {
    }

    public static boolean isCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof ConnectionPoolTooBusyException
                    || cause instanceof ClosedConnectionException
                    || cause instanceof NoStackTraceThrowable && ACQUIRE_TIMEOUT.equals(cause.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** Every connection busy and the line of waiters full: the pool refused at once. */
    public static boolean isSaturation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectionPoolTooBusyException) {
                return true;
            }
        }
        return false;
    }
}
