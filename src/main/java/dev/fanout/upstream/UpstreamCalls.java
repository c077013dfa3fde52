package dev.fanout.upstream;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

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
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;

/**
 * Every call to an upstream goes through here: a JSON {@code GET} on the upstream's own pooled
 * Vert.x {@code HttpClient} ({@link UpstreamClients}). Not the Quarkus REST client: with it
 * a profile took 39 % more CPU (626 against 451 µs at 256 connections; its per-call header
 * maps, URI templates, handler chains and second span), and its cancelled calls needed a workaround to free their connections
 * (bench/results/2026-12-02-rest-client-vs-vertx-summary.md). A call
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
 * <li>is observed: a {@code fanout.upstream.calls} timer and one span per call, whose context
 * the request carries ({@code traceparent}), tagged with
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
    private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    private static final String CONNECTION_RESET = "Connection reset";

    private final UpstreamConfig config;
    private final UpstreamClients clients;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final Tracer tracer;
    private final WaitTimes waitTimes;
    private final Map<String, Permits> connections = new ConcurrentHashMap<>();
    /** Made once per answer type, not on every call. */
    private final Map<JavaType, ObjectReader> readers = new ConcurrentHashMap<>();
    /** Looked up once per upstream and outcome, not on every call. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> hedgeCounters = new ConcurrentHashMap<>();
    private final Map<String, HedgePolicy> hedgePolicies = new ConcurrentHashMap<>();

    UpstreamCalls(UpstreamConfig config, UpstreamClients clients, ObjectMapper json, MeterRegistry meters, Tracer tracer,
            WaitTimes waitTimes) {
        this.config = config;
        this.clients = clients;
        this.json = json;
        this.meters = meters;
        this.tracer = tracer;
        this.waitTimes = waitTimes;
    }

    /**
     * {@code GET} {@code pathAndQuery} below the upstream's base URL, its JSON answer read as
     * {@code answer}. The request carries the call's trace context and, where the upstream's
     * settings say so, the {@code Request-Timeout} the call still has as it leaves.
     */
    public <T> Uni<T> get(String upstream, String pathAndQuery, Class<T> answer, UpstreamSettings settings, Deadline deadline) {
        return get(upstream, pathAndQuery, json.constructType(answer), settings, deadline);
    }

    /** As {@link #get}, for an answer that is a JSON array of {@code element}. */
    public <T> Uni<List<T>> getList(String upstream, String pathAndQuery, Class<T> element, UpstreamSettings settings,
            Deadline deadline) {
        return get(upstream, pathAndQuery, json.getTypeFactory().constructCollectionType(List.class, element), settings, deadline);
    }

    private <T> Uni<T> get(String upstream, String pathAndQuery, JavaType answer, UpstreamSettings settings, Deadline deadline) {
        ObjectReader reader = readers.computeIfAbsent(answer, json::readerFor);
        return Uni.createFrom().deferred(() -> {
            UpstreamClients.UpstreamClient client = clients.of(upstream, settings.url());
            Duration budget = deadline.cap(settings.timeout());
            Deadline callDeadline = Deadline.after(budget);
            // The caller's context, captured here: the request may leave later from another call's
            // thread (when a permit is passed on) or from a hedge's timer.
            Context parent = Context.current();
            Span span = client.span(tracer.spanBuilder("upstream " + upstream).setParent(parent)
                    .setAttribute(UPSTREAM, upstream)).startSpan();
            Context callContext = parent.with(span);
            Function<Runnable, Uni<T>> request = release -> HttpExchange
                    .send(client.http(), client.get(pathAndQuery, requestTimeoutOf(settings, callDeadline), callContext), release)
                    .invoke(exchanged -> span.setAttribute(HTTP_STATUS, exchanged.status()))
                    .map(exchanged -> HttpAnswers.read(upstream, exchanged, reader));
            Uni<T> sent = settings.hedge().enabled()
                    ? hedged(upstream, () -> sent(upstream, request), settings.hedge(), callDeadline)
                    : sent(upstream, request);
            return observed(upstream, span, bounded(upstream, sent, budget, callDeadline));
        });
    }

    /** One request on a pooled connection, tried once more if that connection closed under it. */
    private <T> Uni<T> sent(String upstream, Function<Runnable, Uni<T>> request) {
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
     * request reset ({@link HttpExchange}).
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

    /**
     * What is left of the call's time as the request leaves, less the margin for the answer's
     * way back, at least 1; {@code null} where the upstream's settings do not propagate it.
     */
    private Long requestTimeoutOf(UpstreamSettings settings, Deadline callDeadline) {
        if (!settings.propagateDeadline()) {
            return null;
        }
        return Math.max(1, callDeadline.remaining().minus(config.deadlineMargin()).toMillis());
    }

    /** Times and traces one call from its subscription to however it ends. */
    private <T> Uni<T> observed(String upstream, Span span, Uni<T> call) {
        long started = System.nanoTime();
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
     * Runs the request holding one of the upstream's connection permits, as many as its
     * client's pool has connections, waiting in line while all are busy. The permit is held
     * until the request has really ended ({@link HttpExchange}), not just until our caller
     * stopped waiting, so that calls wait in our line, not in the client's own pool, whose
     * waiters hold no deadline and cannot leave (at most a moment, while an ended request's
     * connection is recycled). A call that gives up while in our line leaves it at once.
     */
    private <T> Uni<T> onPooledConnection(String upstream, Function<Runnable, Uni<T>> request) {
        return connectionsOf(upstream).runUntilReleased(request)
                .onFailure(PermitsExhaustedException.class).transform(full -> new UpstreamSaturatedException(upstream));
    }

    private Permits connectionsOf(String upstream) {
        return connections.computeIfAbsent(upstream,
                name -> new Permits(config.connectionPoolSize(), config.maxWaiting(), waitTimes.line()));
    }

    /**
     * The pooled connection closed or was reset under the call before its answer was read:
     * the upstream closed an idle keep-alive connection just as we reused it, or Vert.x closed
     * it for a reset that landed as another call's answer ended (see {@link HttpExchange}).
     * Every upstream call is a GET, so one more try, within the same timeout, is safe; a
     * second such failure is the upstream's.
     */
    static boolean isConnectionClosed(Throwable failure) {
        return Causes.any(failure, UpstreamCalls::saysConnectionClosed);
    }

    private static boolean saysConnectionClosed(Throwable cause) {
        String message = cause.getMessage();
        return cause instanceof HttpClosedException
                // the peer's RST, as the JDK ("Connection reset") or Netty's epoll ("...: Connection reset by peer") says it
                || (cause instanceof IOException && message != null && message.contains(CONNECTION_RESET));
    }

    private static boolean isForeign(Throwable failure) {
        return !(failure instanceof UpstreamTimeoutException || failure instanceof UpstreamSaturatedException
                || failure instanceof UpstreamFailureException || failure instanceof UpstreamNotFoundException);
    }

    /** A failure of the exchange itself (the answers' own are {@link HttpAnswers}'), saying what happened without internals. */
    static Throwable translate(String upstream, Throwable failure) {
        if (Causes.any(failure, IOException.class) || Causes.any(failure, VertxException.class)
                // Vert.x's idle (read) timeout, a java.util.concurrent.TimeoutException
                || Causes.any(failure, TimeoutException.class)) {
            return new UpstreamFailureException(upstream, "could not be reached or dropped the connection", failure);
        }
        return new UpstreamFailureException(upstream, "failed", failure);
    }
}
