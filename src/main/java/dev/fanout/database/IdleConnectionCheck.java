package dev.fanout.database;

import jakarta.inject.Singleton;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * An invocation's first step on a pool that has been idle: its pooled connections are
 * pinged before the request can borrow one ({@link ReopenablePgPool#checkIdleConnections()}),
 * so that a connection the database closed while the sandbox was frozen is dropped, not
 * used. Every route, the health checks included, since any of them may use the pool.
 * A busy instance passes straight through (no pause, no ping).
 * <p>
 * The last step of the request edge ({@code dev.fanout.http.RequestEdge}), before any resource.
 */
@Singleton
public class IdleConnectionCheck {

    private final TimeBoundedPgPoolCreator pools;

    public IdleConnectionCheck(TimeBoundedPgPoolCreator pools) {
        this.pools = pools;
    }

    public void checkFirst(RoutingContext context) {
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
