package dev.fanout.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;

/**
 * The application's one reactive pool, as a stable object in front of a Vert.x pool that
 * can be replaced. Two things a Lambda instance needs that Vert.x's pool cannot do:
 * <ul>
 * <li>{@link #reopen()}: close every connection and go on with a fresh, empty pool. A
 * snapshot (SnapStart, CRaC) must hold no open socket, and a restored copy must open its
 * own connections with its own credentials. Hibernate Reactive, the health check and the
 * repositories keep their reference to this object, so nothing else has to be rebuilt.</li>
 * <li>{@link #checkIdleConnections()}: a sandbox is frozen between invocations, and while
 * it is frozen the database or RDS Proxy may close every connection. The close is then
 * waiting in the kernel's socket buffers, unseen by the pool, when the next invocation
 * arrives, and a request may borrow a dead connection before the event loop notices.
 * Vert.x's pool has no test-on-borrow (the {@code pool_pre_ping} of SQLAlchemy), and its
 * idle-timeout sweeps run on a timer that a frozen process never runs. So after a quiet
 * spell longer than {@code fanout.database.validate-after-idle}, the connections the pool
 * holds are each borrowed once and pinged ({@code SELECT 1}); a dead one fails its ping
 * and is dropped by the pool, and the request that waited finds only live ones.</li>
 * </ul>
 * Every other call is the current pool's own. Quarkus casts the pool a creator builds to
 * the deprecated {@link PgPool}, hence that interface.
 */
public final class ReopenablePgPool implements PgPool {

    private static final Logger LOG = Logger.getLogger(ReopenablePgPool.class);
    static final String PING = "SELECT 1";

    private final Supplier<Pool> factory;
    private final Vertx vertx;
    private final long validateAfterIdleNanos;
    private final Duration validateTimeout;
    private volatile Pool current;
    /** When the pool was last used, by System.nanoTime(), which keeps counting while the process is frozen. */
    private volatile long lastUsed = System.nanoTime();
    private Future<Void> checking; // guarded by this
    private volatile Handler<SqlConnection> connectHandler;

    /** With {@code validateAfterIdle} empty, {@link #checkIdleConnections()} never pings. */
    public ReopenablePgPool(Supplier<Pool> factory, Vertx vertx, Optional<Duration> validateAfterIdle, Duration validateTimeout) {
        this.factory = factory;
        this.vertx = vertx;
        this.validateAfterIdleNanos = validateAfterIdle.map(Duration::toNanos).orElse(Long.MAX_VALUE);
        this.validateTimeout = validateTimeout;
        this.current = factory.get();
    }

    /**
     * Closes every connection of the current pool and puts a new, empty one in its place;
     * completes when the old one is closed. Calls already running finish on the old pool
     * (Vert.x closes a pool's connections as they are released); later ones get the new.
     */
    public Future<Void> reopen() {
        Pool old;
        synchronized (this) {
            old = current;
            current = withConnectHandler(factory.get());
            checking = null;
        }
        lastUsed = System.nanoTime();
        return old.close();
    }

    /**
     * Completes once every connection the pool holds has answered a ping, when the pool has
     * been idle longer than the threshold; at once otherwise. Never fails: a failed ping is
     * what drops a dead connection, and a database that is down is the request's own 503.
     * Concurrent callers share one check.
     */
    public Future<Void> checkIdleConnections() {
        long now = System.nanoTime();
        if (now - lastUsed <= validateAfterIdleNanos) {
            return Future.succeededFuture();
        }
        synchronized (this) {
            if (checking == null) {
                Pool pool = current;
                checking = pingEach(pool).onComplete(done -> {
                    synchronized (this) {
                        checking = null;
                    }
                    lastUsed = System.nanoTime();
                });
            }
            return checking;
        }
    }

    /**
     * Borrows as many connections as the pool holds, all at once, so that each idle one is lent
     * once. Waits at most {@code validate-timeout}: a connection still busy with a long call, or a
     * ping lost on a silent network, is not worth holding the request for.
     */
    private Future<Void> pingEach(Pool pool) {
        int open = pool.size();
        List<Future<Boolean>> pings = new ArrayList<>(open);
        for (int i = 0; i < open; i++) {
            pings.add(pool.getConnection().compose(ReopenablePgPool::ping, failed -> Future.succeededFuture(false)));
        }
        Promise<Void> checked = Promise.promise();
        long bound = vertx.setTimer(validateTimeout.toMillis(), fired -> checked.tryComplete());
        Future.join(pings).onComplete(all -> {
            vertx.cancelTimer(bound);
            long dead = pings.stream().filter(ping -> Boolean.FALSE.equals(ping.result())).count();
            if (dead > 0) {
                LOG.infof("%d of %d pooled connections failed their ping after an idle spell and were dropped", dead, open);
            }
            checked.tryComplete();
        });
        return checked.future();
    }

    private static Future<Boolean> ping(SqlConnection connection) {
        return connection.preparedQuery(PING).execute()
                .transform(answered -> connection.close().transform(closed -> Future.succeededFuture(answered.succeeded())));
    }

    private Pool used() {
        lastUsed = System.nanoTime();
        return current;
    }

    private Pool withConnectHandler(Pool pool) {
        Handler<SqlConnection> handler = connectHandler;
        return handler == null ? pool : pool.connectHandler(handler);
    }

    @Override
    public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
        used().getConnection(handler);
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return used().getConnection();
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return used().query(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return used().preparedQuery(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return used().preparedQuery(sql, options);
    }

    @Override
    public PgPool connectHandler(Handler<SqlConnection> handler) {
        connectHandler = handler;
        current.connectHandler(handler);
        return this;
    }

    /** Not supported: it would replace the connecting (with fresh credentials) that the factory sets up. */
    @Override
    public PgPool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
        throw new UnsupportedOperationException("the pool's connections come from TimeBoundedPgPoolCreator");
    }

    @Override
    public int size() {
        return current.size();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        current.close(handler);
    }

    @Override
    public Future<Void> close() {
        return current.close();
    }
}
