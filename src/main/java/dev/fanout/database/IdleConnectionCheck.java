package dev.fanout.database;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * An invocation's first step on a pool that has been idle: its pooled connections are
 * pinged before the request can borrow one ({@link ReopenablePgPool#checkIdleConnections()}),
 * so that a connection the database closed while the sandbox was frozen is dropped, not
 * used. Every route, the health checks included, since any of them may use the pool.
 * A busy instance passes straight through (no pause, no ping).
 * <p>
 * Order in the request chain: after arrival, draining, body limits, the log context and
 * the EMF flush ({@code MIN_VALUE} to {@code MIN_VALUE + 2}), before any resource.
 */
@Singleton
public class IdleConnectionCheck {

    static final int ORDER = Integer.MIN_VALUE + 3;

    private final TimeBoundedPgPoolCreator pools;

    public IdleConnectionCheck(TimeBoundedPgPoolCreator pools) {
        this.pools = pools;
    }

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::checkFirst);
    }

    private void checkFirst(RoutingContext context) {
        Future<Void> check = pools.pool().map(ReopenablePgPool::checkIdleConnections).orElse(null);
        if (check == null || check.isComplete()) {
            context.next();
            return;
        }
        // The check completes on a pool's event loop; the request goes on on its own context.
        Context requestContext = Vertx.currentContext();
        context.request().pause();
        check.onComplete(checked -> requestContext.runOnContext(ignored -> {
            context.request().resume();
            context.next();
        }));
    }
}
