package dev.fanout.upstream;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.fanout.concurrent.Permits;
import dev.fanout.concurrent.Deadline;
import dev.fanout.observability.MeterConfig;
import dev.fanout.problem.Causes;
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
 * Every call to an upstream goes through here. A call is
 * <ul>
 * <li>admitted only while the upstream has a free pooled connection (a bulkhead the
 * size of the REST client's pool), otherwise refused at once;</li>
 * <li>bounded by its own timeout and the request's deadline, a timeout being its own
 * outcome;</li>
 * <li>tried once more, within that bound, when its pooled connection closed before the
 * answer;</li>
 * <li>translated: a 404 is {@link UpstreamNotFoundException}, anything else an
 * {@link UpstreamFailureException} that says what happened without internals;</li>
 * <li>observed: a {@code fanout.upstream.calls} timer and a span per call, tagged with
 * the upstream and the outcome ({@code success}, {@code not_found}, {@code error},
 * {@code timeout}, {@code rejected}, or {@code cancelled} when a sibling's failure or
 * the deadline ended it).</li>
 * </ul>
 */
@ApplicationScoped
public class UpstreamCalls {

    static final String UPSTREAM = "upstream";
    static final String OUTCOME = "outcome";
    private static final AttributeKey<String> OUTCOME_ATTRIBUTE = AttributeKey.stringKey("fanout.outcome");
    private static final String CONNECTION_CLOSED = "Connection was closed";
    private static final String CONNECTION_RESET = "Connection reset";

    private final int maxInFlightPerUpstream;
    private final Map<String, Permits> bulkheads = new ConcurrentHashMap<>();
    /** Looked up once per upstream and outcome, not on every call. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Tracer tracer;

    public UpstreamCalls(@ConfigProperty(name = "quarkus.rest-client.connection-pool-size") int connectionPoolSize,
            MeterRegistry meters, Tracer tracer) {
        this.maxInFlightPerUpstream = connectionPoolSize;
        this.meters = meters;
        this.tracer = tracer;
    }

    public <T> Uni<T> call(String upstream, Supplier<Uni<T>> call, Duration timeout, Deadline deadline) {
        Uni<T> admitted = Uni.createFrom().deferred(() -> admitted(upstream, call))
                .onFailure(UpstreamCalls::isConnectionClosed).retry().atMost(1);
        Uni<T> bounded = deadline.bound(admitted, timeout, () -> new UpstreamTimeoutException(upstream, deadline.cap(timeout)))
                .onFailure(UpstreamCalls::isForeign)
                .transform(failure -> translate(upstream, failure));
        return Uni.createFrom().deferred(() -> observed(upstream, bounded));
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
                key -> meters.timer(MeterConfig.UPSTREAM_CALLS, UPSTREAM, upstream, OUTCOME, outcome));
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
     * Refusing rather than queueing is deliberate. A queue in front of a pooled client holds
     * requests that outlive their deadlines; and a request cancelled while it waits for a
     * pooled connection can lose that connection's slot (seen with the Quarkus REST client
     * under a cancel storm: the pool ended with no free slot, and every later call waited
     * until it timed out). The permit is held until the client has really let go of the
     * request ({@link ResettableCall}), not just until our caller stopped waiting, so with
     * the bulkhead at the pool's size the client never has a waiting request.
     */
    private <T> Uni<T> admitted(String upstream, Supplier<Uni<T>> call) {
        Permits bulkhead = bulkheadOf(upstream);
        if (!bulkhead.tryAcquire()) {
            return Uni.createFrom().failure(new UpstreamSaturatedException(upstream));
        }
        return ResettableCall.run(call, bulkhead::release);
    }

    private Permits bulkheadOf(String upstream) {
        return bulkheads.computeIfAbsent(upstream, name -> new Permits(maxInFlightPerUpstream));
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
