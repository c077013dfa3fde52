package dev.fanout.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.fanout.concurrent.Permits;
import dev.fanout.concurrent.WaitTimes;
import dev.fanout.problem.Problem;
import dev.fanout.problem.ProblemTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Sheds load at the edge, before a request costs a query or an upstream call: while the
 * event loops have stayed more than {@code fanout.http.admission.max-lag} behind for two whole
 * intervals, or a pool's line has not emptied for one ({@link WaitTimes}: even its shortest
 * wait above {@code fanout.http.admission.max-wait}), a new API request is answered 503 with
 * {@code Retry-After} at once.
 * <p>
 * Why event-loop lag, and not a concurrency limit: lag is the queue in front of the app
 * itself, the time a request waits before it is read, so it rises only when this instance
 * has more work than CPU. A slow or hanging upstream makes requests long but leaves the
 * loops idle, and is no reason to refuse (those requests degrade or fail on their own
 * timeouts); a concurrency or latency limit would read it as overload. And it needs no
 * estimate of capacity, which differs between two full cores and a Lambda's share of one.
 * Work already admitted keeps its deadline; what is refused is refused in microseconds.
 * <p>
 * Below that, the edge <em>waits</em> rather than refuses: at most {@code max-in-flight}
 * API requests (128 per core by default) run at once, and the rest wait in arrival order,
 * holding no thread ({@link Permits}). Many clients in a closed loop (1,024 connections, say)
 * then queue in front of the work instead of crowding the pools, where an event loop that
 * falls behind holds every connection longer and the pools' lines grow until calls time out.
 * A request may wait there until half the longest deadline ({@code fanout.request.max-deadline})
 * is left, the time a profile's required parts may take, and is refused (503) when its turn
 * has not come by then, since work started later could only end in a 504. The edge line is
 * bounded apart from the pools', by the wait an arrival would face: the waiters ahead of it
 * times the recent interval between turns, or the oldest waiter's wait so far if that is
 * longer (turns that stopped coming). While that is above three quarters of the time a waiter
 * may wait, new arrivals are shed at once: what the line cannot serve in time is refused on
 * arrival, fast, instead of after a whole wait. (Not the oldest wait alone: under twice the
 * load it can serve, a line grows twice as fast as it drains, and an arrival waits twice as
 * long as the oldest has. The pools' lines use the lowest wait of an interval, which lags by
 * that interval: there, a wait is part of work already admitted.)
 */
@Singleton
public class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);
    private static final Problem LOOPS_BEHIND = new Problem(ProblemTypes.of("overloaded"), "Service Unavailable", 503,
            "This instance has more requests than its CPU can serve within their deadlines; retry shortly");
    private static final Problem LINE_STANDS = new Problem(ProblemTypes.of("overloaded"), "Service Unavailable", 503,
            "Requests wait in line here longer than their deadlines allow; retry shortly");
    private static final String OPERATIONS_PREFIX = "/q/";
    private static final String DEV_PREFIX = "/_dev/";

    private final AdmissionConfig config;
    private final Vertx vertx;
    private final boolean enabled;
    private final long maxLagNanos;
    private final Counter shedForLag;
    private final Counter shedForLine;
    private final WaitTimes lines;
    private final long maxWaitNanos;
    /** Null when the edge does not cap the requests in flight (shedding off, or max-in-flight 0). */
    private final Permits inFlight;
    /** What a request must still have of its deadline when its turn comes: half the longest deadline. */
    private final long minLeftAtTurnMillis;
    /**
     * New arrivals are shed while the wait they would face in the edge line is above three
     * quarters of the longest wait: a refusal now is fast, where one at the limit comes only
     * after the whole wait.
     */
    private final long edgeSheddingNanos;
    /** Measured from the end of start-up on: start-up itself keeps the loops busy, and is no overload. */
    private volatile EventLoopLag lag;

    public Admission(AdmissionConfig config, RequestDeadlineConfig deadlines, Vertx vertx, MeterRegistry meters,
            WaitTimes lines) {
        this.config = config;
        this.lines = lines;
        this.maxWaitNanos = config.maxWait().toNanos();
        this.vertx = vertx;
        this.enabled = config.enabled().orElse(System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null);
        this.maxLagNanos = config.maxLag().toNanos();
        int maxInFlight = config.maxInFlight().orElse(128 * Runtime.getRuntime().availableProcessors());
        this.inFlight = enabled && maxInFlight > 0 ? new Permits(maxInFlight) : null;
        this.minLeftAtTurnMillis = deadlines.maxDeadline().toMillis() / 2;
        long longestWaitMillis = deadlines.maxDeadline().toMillis() - minLeftAtTurnMillis;
        this.edgeSheddingNanos = TimeUnit.MILLISECONDS.toNanos(longestWaitMillis) / 4 * 3;
        this.shedForLag = shedCounter(meters, "event-loop-lag");
        this.shedForLine = shedCounter(meters, "line-wait");
        LOG.debugf("Load shedding %s", enabled ? "on, above " + config.maxLag().toMillis() + " ms of event-loop lag" : "off");
    }

    void startMeasuring(@Observes StartupEvent started) {
        if (enabled) {
            lag = new EventLoopLag(vertx, config.interval());
        }
    }

    private static Counter shedCounter(MeterRegistry meters, String reason) {
        return Counter.builder("fanout.http.shed")
                .description("Requests refused at the edge, by what said the instance was overloaded")
                .tag("reason", reason)
                .register(meters);
    }

    void admitOrShed(RoutingContext context) {
        EventLoopLag lag = this.lag;
        if (isOperations(context.request().path())) {
            context.next();
            return;
        }
        Problem refusal = lag == null ? null : overload(lag);
        if (refusal != null) {
            (refusal == LOOPS_BEHIND ? shedForLag : shedForLine).increment();
            refuse(context, refusal);
        } else if (inFlight == null) {
            context.next();
        } else {
            waitForATurn(context);
        }
    }

    /**
     * Runs the rest of the request once fewer than {@code max-in-flight} are running, on the
     * request's own event loop; the turn is given back when the exchange ends (answered, or its
     * connection gone). A request that would have too little of its deadline left never starts:
     * 503, retry.
     */
    private void waitForATurn(RoutingContext context) {
        long remainingMillis = RequestBudget.of(context).deadline().remaining().toMillis();
        if (remainingMillis < 1) {
            refuseUnserved(context);
            return;
        }
        // It may wait only as long as leaves it the time a profile needs (its required parts'
        // timeouts are 1 s of a 2 s deadline): a turn that came later would start work that can
        // only end in a 504, and that wasted work is what collapses goodput under overload. A
        // request with less than that left runs only if a turn is free at once.
        long mayWaitMillis = Math.max(1, remainingMillis - minLeftAtTurnMillis);
        new Turn(context, vertx.getOrCreateContext()).await(mayWaitMillis);
    }

    /**
     * One request's wait for its turn, which ends exactly once: the turn comes, or the time it
     * may wait passes first. The deadline is a Vert.x timer on the request's own event loop, not a Mutiny
     * timeout: a thousand waiters then cost a thousand timer entries, and no thread hops.
     */
    private final class Turn {
        private final RoutingContext routing;
        private final Context requestContext;
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile long timer;
        private volatile Cancellable waiting;

        Turn(RoutingContext routing, Context requestContext) {
            this.routing = routing;
            this.requestContext = requestContext;
        }

        void await(long mayWaitMillis) {
            routing.request().pause(); // a body that arrives meanwhile is kept for the resource
            timer = vertx.setTimer(mayWaitMillis, fired -> deadlinePassed());
            waiting = inFlight.runUntilReleased(turnGivenBack -> {
                if (settled.compareAndSet(false, true)) {
                    requestContext.runOnContext(ignored -> start(turnGivenBack));
                } else {
                    turnGivenBack.run(); // the deadline passed as the turn came: pass it on
                }
                return Uni.createFrom().voidItem();
            }).subscribe().with(ignored -> {
            }, failure -> requestContext.runOnContext(ignored -> deadlinePassed()));
        }

        private void start(Runnable turnGivenBack) {
            vertx.cancelTimer(timer);
            if (routing.response().closed() || routing.response().ended()) {
                // The client left while it waited. Vert.x calls end handlers only for a close it
                // sees after they are added, so this turn would never come back: pass it on now.
                turnGivenBack.run();
                return;
            }
            routing.addEndHandler(ended -> turnGivenBack.run());
            routing.request().resume();
            routing.next();
        }

        private void deadlinePassed() {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            Cancellable line = waiting;
            if (line != null) {
                line.cancel(); // leaves the line and frees its place
            }
            routing.request().resume();
            refuseUnserved(routing);
        }
    }

    private void refuseUnserved(RoutingContext context) {
        shedForLine.increment();
        refuse(context, LINE_STANDS);
    }

    private static void refuse(RoutingContext context, Problem refusal) {
        // A bodiless request keeps its connection: closing it would make the client's retry pay a handshake.
        boolean hasBody = context.request().headers().contains(HttpHeaders.CONTENT_LENGTH)
                || context.request().headers().contains(HttpHeaders.TRANSFER_ENCODING);
        var response = context.response().putHeader("Retry-After", "1");
        if (hasBody) {
            refusal.refuse(response);
        } else {
            refusal.answer(response);
        }
    }

    /**
     * What to refuse with, or null to admit: the loops are behind the CPU, or a pool's line
     * stands, and new work would only wait past its deadline.
     */
    private Problem overload(EventLoopLag lag) {
        if (lag.standingNanos() > maxLagNanos) {
            return LOOPS_BEHIND;
        }
        if (lines.standingNanos() > maxWaitNanos) {
            return LINE_STANDS;
        }
        return inFlight != null && inFlight.waitOfANewArrivalNanos() > edgeSheddingNanos ? LINE_STANDS : null;
    }

    /** Health, metrics and the dev-mode simulators (which are this instance's own upstreams) are never shed. */
    private static boolean isOperations(String path) {
        return path.startsWith(OPERATIONS_PREFIX) || path.startsWith(DEV_PREFIX);
    }

    @PreDestroy
    void stop() {
        EventLoopLag measuring = lag;
        if (measuring != null) {
            measuring.stop();
        }
    }
}
