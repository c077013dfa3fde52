package dev.fanout.concurrent;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Stamps each request with the moment it reached the router, before any queueing
 * in front of its handler, so that a deadline counts the wait as well as the work.
 */
@Singleton
public class RequestArrival {

    private static final String KEY = "fanout.arrival-nanos";

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(RequestArrival::stamp);
    }

    private static void stamp(RoutingContext context) {
        context.put(KEY, System.nanoTime());
        context.next();
    }

    /** When the request arrived, or now if it was never stamped. */
    public static long of(RoutingContext context) {
        Long arrival = context == null ? null : context.get(KEY);
        return arrival != null ? arrival : System.nanoTime();
    }
}
