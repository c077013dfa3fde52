package dev.fanout.http;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import dev.fanout.problem.Problem;
import dev.fanout.problem.ProblemTypes;
import io.vertx.ext.web.RoutingContext;

/**
 * Graceful shutdown that refuses new work. On SIGTERM Quarkus waits up to
 * {@code quarkus.shutdown.timeout} for the requests in flight, but it keeps serving the
 * ones that arrive meanwhile (it only adds {@code Connection: close}), so under steady load
 * the wait never ends before the timeout and new requests start work that the exit then
 * cuts. From the signal on, a new request is answered at once with a 503 problem and
 * {@code Retry-After: 1}; the ones already past this filter finish (bench/faults.sh, fault 3).
 * {@code FanoutMain} flips it when SIGTERM arrives, before it asks Quarkus to stop; a JVM
 * shutdown hook covers the other ways a normal (prod) launch ends (SIGINT, say). Tests and
 * dev mode stop otherwise.
 */
@Singleton
public class DrainingFilter {

    private static final Logger LOG = Logger.getLogger(DrainingFilter.class);
    private static final Problem SHUTTING_DOWN = new Problem(ProblemTypes.of("shutting-down"), "Service Unavailable", 503,
            "This instance is shutting down; retry shortly");

    private final AtomicBoolean draining = new AtomicBoolean();

    void watchForShutdown(@Observes StartupEvent start) {
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::drain, "fanout-draining"));
        }
    }

    /** From now on, new requests are refused. */
    public void drain() {
        if (draining.compareAndSet(false, true)) {
            LOG.info("Shutting down: new requests are refused (503); the ones in flight finish");
        }
    }

    void refuseWhileDraining(RoutingContext context) {
        if (!draining.get()) {
            context.next();
            return;
        }
        SHUTTING_DOWN.refuse(context.response().putHeader("Retry-After", "1"));
    }
}
