package dev.fanout.upstream;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.fanout.concurrent.Deadline;
import dev.fanout.concurrent.Hedge;
import dev.fanout.concurrent.Permits;
import dev.fanout.concurrent.PermitsExhaustedException;
import dev.fanout.concurrent.WaitTimes;
import dev.fanout.errors.Causes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;

/**
 * Every call to an upstream goes through here. A call
 * <ul>
 * <li>waits for one of the upstream's pooled connections when all are busy, in line and
 * holding no thread, bounded by its own time; only past {@code fanout.upstream.max-waiting}
 * waiters is it refused at once;</li>
 * <li>is bounded by its own timeout and the request's deadline, a timeout being its own
 * outcome, and tells the upstream the time it still has ({@code Request-Timeout});</li>
 * <li>is tried once more, within that bound, when its pooled connection closed before the
 * answer;</li>
 * <li>is translated: a 404 is {@link UpstreamNotFoundException}, anything else an
 * {@link UpstreamFailureException} that says what happened without internals;</li>
 * <li>is observed: a {@code fanout.upstream.calls} timer and a span per call, tagged with
 * the upstream and the outcome ({@code success}, {@code not_found}, {@code error},
 * {@code timeout}, {@code rejected}, or {@code cancelled} when a sibling's failure or
 * the deadline ended it).</li>
 * </ul>
 */
@ApplicationScoped
public class UpstreamCalls {

    /** Sent to every upstream that takes it: the milliseconds the call still has. */
    public static final String REQUEST_TIMEOUT_HEADER = "Request-Timeout";

    static final String UPSTREAM = "upstream";
    static final String OUTCOME = "outcome";
    private static final AttributeKey<String> OUTCOME_ATTRIBUTE = AttributeKey.stringKey("fanout.outcome");
    private static final String CONNECTION_CLOSED = "Connection was closed";
    private static final String CONNECTION_RESET = "Connection reset";

    private final int connectionsPerUpstream;
    private final UpstreamConfig config;
    private final Map<String, Permits> connections = new ConcurrentHashMap<>();
    /** Looked up once per upstream and outcome, not on every call. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> hedgeCounters = new ConcurrentHashMap<>();
    private final Map<String, HedgePolicy> hedgePolicies = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Tracer tracer;
    private final WaitTimes waitTimes;

    public UpstreamCalls(@ConfigProperty(name = "quarkus.rest-client.connection-pool-size") int connectionPoolSize,
            UpstreamConfig config, MeterRegistry meters, Tracer tracer, WaitTimes waitTimes) {
        this.connectionsPerUpstream = connectionPoolSize;
        this.config = config;
        this.meters = meters;
        this.tracer = tracer;
        this.waitTimes = waitTimes;
    }

    /**
     * One call, whose request is made by {@code call} once a pooled connection is free. It is
     * handed the {@code Request-Timeout} to send (milliseconds), or {@code null} where the
     * upstream's settings do not propagate the deadline.
     */
    public <T> Uni<T> call(String upstream, Function<Long, Uni<T>> call, UpstreamSettings settings, Deadline deadline) {
        return Uni.createFrom().deferred(() -> {
            Duration budget = deadline.cap(settings.timeout());
            Deadline callDeadline = Deadline.after(budget);
            Supplier<Uni<T>> request = () -> call.apply(settings.propagateDeadline() ? requestTimeoutOf(callDeadline) : null);
            Uni<T> sent = settings.hedge().enabled()
                    ? hedged(upstream, () -> sent(upstream, request), settings.hedge(), callDeadline)
                    : sent(upstream, request);
            return observed(upstream, bounded(upstream, sent, budget, callDeadline));
        });
    }

    /** One request on a pooled connection, tried once more if that connection closed under it. */
    private <T> Uni<T> sent(String upstream, Supplier<Uni<T>> request) {
        return Uni.createFrom().deferred(() -> onPooledConnection(upstream, request))
                .onFailure(UpstreamCalls::isConnectionClosed).retry().atMost(1);
    }

    private <T> Uni<T> bounded(String upstream, Uni<T> sent, Duration budget, Deadline callDeadline) {
        return callDeadline.bound(sent, () -> new UpstreamTimeoutException(upstream, budget))
                .onFailure(UpstreamCalls::isForeign)
                .transform(failure -> translate(upstream, failure));
    }

    /**
     * Sent again if it has not answered after the upstream's recent p95, while the call's time
     * leaves at least as long again and the hedging budget allows; the loser is cancelled, its
     * request reset ({@link ResettableCall}).
     */
    private <T> Uni<T> hedged(String upstream, Supplier<Uni<T>> attempt, UpstreamSettings.Hedging settings,
            Deadline callDeadline) {
        HedgePolicy policy = hedgePolicies.computeIfAbsent(upstream, name -> new HedgePolicy(settings));
        policy.called();
        long started = System.nanoTime();
        Uni<T> call = policy.delay()
                .map(delay -> Hedge.of(attempt, delay,
                        () -> callDeadline.remaining().compareTo(delay) > 0 && policy.tryHedge(),
                        outcome -> hedgesOf(upstream, outcome).increment()))
                .orElseGet(attempt);
        return call.invoke(() -> policy.answeredAfter(System.nanoTime() - started));
    }

    private Counter hedgesOf(String upstream, Hedge.Outcome outcome) {
        return hedgeCounters.computeIfAbsent(upstream + ' ' + outcome, key -> meters.counter(UpstreamMeters.HEDGES,
                UPSTREAM, upstream, OUTCOME, outcome.name().toLowerCase(Locale.ROOT)));
    }

    /** What is left of the call's time as the request leaves, less the margin for the answer's way back; at least 1. */
    private long requestTimeoutOf(Deadline callDeadline) {
        return Math.max(1, callDeadline.remaining().minus(config.deadlineMargin()).toMillis());
    }

    /** Times and traces one call from its subscription to however it ends. */
    private <T> Uni<T> observed(String upstream, Uni<T> call) {
        long started = System.nanoTime();
        Span span = tracer.spanBuilder("upstream " + upstream).setAttribute(UPSTREAM, upstream).startSpan();
        return call.onTermination().invoke((item, failure, cancelled) -> {
            String outcome = cancelled ? "cancelled" : outcomeOf(failure);
            timerOf(upstream, outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            span.setAttribute(OUTCOME_ATTRIBUTE, outcome);
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, failure.getMessage());
            }
            span.end();
        });
    }

    private Timer timerOf(String upstream, String outcome) {
        return timers.computeIfAbsent(upstream + ' ' + outcome,
                key -> meters.timer(UpstreamMeters.CALLS, UPSTREAM, upstream, OUTCOME, outcome));
    }

    static String outcomeOf(Throwable failure) {
        if (failure == null) {
            return "success";
        }
        if (failure instanceof UpstreamTimeoutException) {
            return "timeout";
        }
        if (failure instanceof UpstreamSaturatedException) {
            return "rejected";
        }
        if (failure instanceof UpstreamNotFoundException) {
            return "not_found";
        }
        return "error";
    }

    /**
     * Runs the request holding one of the upstream's connection permits, as many as the REST
     * client's pool has connections, waiting in line while all are busy. The permit is held
     * until the client has really let go of the request ({@link ResettableCall}), not just
     * until our caller stopped waiting, so the client itself never has a waiting request: a
     * request cancelled while it waits inside the client's pool can lose that connection's
     * slot (seen with the Quarkus REST client under a cancel storm). A call that gives up
     * while in our line leaves it at once.
     */
    private <T> Uni<T> onPooledConnection(String upstream, Supplier<Uni<T>> request) {
        return connectionsOf(upstream).runUntilReleased(release -> ResettableCall.run(request, release))
                .onFailure(PermitsExhaustedException.class).transform(full -> new UpstreamSaturatedException(upstream));
    }

    private Permits connectionsOf(String upstream) {
        return connections.computeIfAbsent(upstream, name -> new Permits(connectionsPerUpstream, config.maxWaiting(), waitTimes.line()));
    }

    /**
     * The pooled connection closed or was reset under the call before its answer was read:
     * the upstream closed an idle keep-alive connection just as we reused it, or Vert.x closed
     * it for a reset that landed as another call's answer ended (see {@link ResettableCall}).
     * Every upstream call is a GET, so one more try, within the same timeout, is safe; a
     * second such failure is the upstream's.
     */
    static boolean isConnectionClosed(Throwable failure) {
        return Causes.any(failure, UpstreamCalls::saysConnectionClosed);
    }

    private static boolean saysConnectionClosed(Throwable cause) {
        String message = cause.getMessage();
        return cause instanceof HttpClosedException
                // the REST client turns Vert.x's HttpClosedException into an IOException of the same message
                || (cause instanceof IOException && message != null
                        && (message.equals(CONNECTION_CLOSED) || message.startsWith(CONNECTION_RESET)));
    }

    private static boolean isForeign(Throwable failure) {
        return !(failure instanceof UpstreamTimeoutException || failure instanceof UpstreamSaturatedException);
    }

    static Throwable translate(String upstream, Throwable failure) {
        if (failure instanceof WebApplicationException http) {
            int status = http.getResponse().getStatus();
            if (status == 404) {
                return new UpstreamNotFoundException(upstream);
            }
            return new UpstreamFailureException(upstream, "answered HTTP " + status, failure);
        }
        if (Causes.any(failure, JsonProcessingException.class)) {
            return new UpstreamFailureException(upstream, "sent a malformed answer", failure);
        }
        if (Causes.any(failure, IOException.class) || Causes.any(failure, VertxException.class)) {
            return new UpstreamFailureException(upstream, "could not be reached or dropped the connection", failure);
        }
        return new UpstreamFailureException(upstream, "failed", failure);
    }
}
