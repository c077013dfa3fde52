package dev.fanout.database;

import java.net.SocketException;

import dev.fanout.errors.Causes;
import dev.fanout.internals.VertxSqlFailures;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Recognises the failures that mean "the database cannot serve this now" (down,
 * restarting, or every connection busy and the line full) rather than a bug:
 * those are a 503 that a client may retry, never a 500.
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    public static boolean isCause(Throwable failure) {
        return Causes.any(failure, DatabaseUnavailable::saysUnavailable);
    }

    private static boolean saysUnavailable(Throwable cause) {
        return cause instanceof SocketException // a refused connect, or a connection reset as the server stops
                || cause instanceof ConnectionPoolTooBusyException
                || cause instanceof DatabaseBusyException
                || cause instanceof ClosedConnectionException
                || VertxSqlFailures.isAcquireTimeout(cause)
                || VertxSqlFailures.isConnectionNotActive(cause)
                || cause instanceof PgException pg && isUnavailableState(pg.getSqlState());
    }

    /**
     * The server's own word that it cannot serve now: a connection exception (class 08),
     * an administrator or crash shutdown, "the database system is starting up" (57P01-57P03:
     * met on every connection opened while PostgreSQL restarts), or too many connections.
     */
    static boolean isUnavailableState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.matches("57P0[1-3]") || sqlState.equals("53300"));
    }

    /** Every connection busy and the line of waiters full: the pool refused at once. */
    public static boolean isSaturation(Throwable failure) {
        return Causes.any(failure, ConnectionPoolTooBusyException.class) || Causes.any(failure, DatabaseBusyException.class);
    }
}
