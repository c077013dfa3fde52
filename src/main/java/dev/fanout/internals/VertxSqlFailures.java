package dev.fanout.internals;

import io.vertx.core.impl.NoStackTraceThrowable;

/**
 * Two failures of the Vert.x SQL client that have no type of their own: both are an internal
 * {@link NoStackTraceThrowable}, told apart only by their message.
 */
public final class VertxSqlFailures {

    /** What the pool fails an acquisition with when its connection timeout passes. */
    static final String ACQUIRE_TIMEOUT = "Timeout";
    /** What a pooled connection fails a query with once the server has closed it (a restart, say). */
    static final String CONNECTION_NOT_ACTIVE = "Connection is not active now";

    private VertxSqlFailures() {
    }

    /** The pool found no connection for the acquisition within its connection timeout. */
    public static boolean isAcquireTimeout(Throwable cause) {
        return cause instanceof NoStackTraceThrowable && ACQUIRE_TIMEOUT.equals(cause.getMessage());
    }

    /** A query met a connection that the server had already closed. */
    public static boolean isConnectionNotActive(Throwable cause) {
        return cause instanceof NoStackTraceThrowable && cause.getMessage() != null
                && cause.getMessage().startsWith(CONNECTION_NOT_ACTIVE);
    }
}
