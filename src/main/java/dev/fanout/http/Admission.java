package dev.fanout.http;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.fanout.concurrent.WaitTimes;
import dev.fanout.problem.Problem;
import dev.fanout.problem.ProblemTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
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
 */
@Singleton
public class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);
    private static final Problem LOOPS_BEHIND = new Problem(ProblemTypes.of("overloaded"), "Service Unavailable", 503,
            "This instance has more requests than its CPU can serve within their deadlines; retry shortly");
    private static final Problem LINE_STANDS = new Problem(ProblemTypes.of("overloaded"), "Service Unavailable", 503,
            "This instance's requests wait in line longer than their deadlines allow; retry shortly");
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
    /** Measured from the end of start-up on: start-up itself keeps the loops busy, and is no overload. */
    private volatile EventLoopLag lag;

    public Admission(AdmissionConfig config, Vertx vertx, MeterRegistry meters, WaitTimes lines) {
        this.config = config;
        this.lines = lines;
        this.maxWaitNanos = config.maxWait().toNanos();
        this.vertx = vertx;
        this.enabled = config.enabled().orElse(System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null);
        this.maxLagNanos = config.maxLag().toNanos();
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
        Problem refusal = lag == null ? null : overload(lag);
        if (refusal == null || isOperations(context.request().path())) {
            context.next();
            return;
        }
        (refusal == LOOPS_BEHIND ? shedForLag : shedForLine).increment();
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
        return lines.standingNanos() > maxWaitNanos ? LINE_STANDS : null;
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
