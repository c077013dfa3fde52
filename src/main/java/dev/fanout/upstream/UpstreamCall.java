package dev.fanout.upstream;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

import jakarta.ws.rs.WebApplicationException;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.fanout.concurrent.Deadline;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;

/**
 * One call to an upstream, bounded by its own timeout and the request's deadline,
 * with its failures translated into ours: a timeout is its own outcome, a 404 is
 * {@link UpstreamNotFoundException}, and everything else is an
 * {@link UpstreamFailureException} that says what happened without internals.
 */
public final class UpstreamCall {

    private UpstreamCall() {
    }

    public static <T> Uni<T> of(String upstream, Supplier<Uni<T>> call, Duration timeout, Deadline deadline) {
        return deadline.bound(Uni.createFrom().deferred(call::get), timeout,
                        () -> new UpstreamTimeoutException(upstream, deadline.cap(timeout)))
                .onFailure(failure -> !(failure instanceof UpstreamTimeoutException))
                .transform(failure -> translate(upstream, failure));
    }

    static Throwable translate(String upstream, Throwable failure) {
        if (failure instanceof WebApplicationException http) {
            int status = http.getResponse().getStatus();
            if (status == 404) {
                return new UpstreamNotFoundException(upstream);
            }
            return new UpstreamFailureException(upstream, "answered HTTP " + status, failure);
        }
        if (hasCause(failure, JsonProcessingException.class)) {
            return new UpstreamFailureException(upstream, "sent a malformed answer", failure);
        }
        if (hasCause(failure, IOException.class) || hasCause(failure, VertxException.class)) {
            return new UpstreamFailureException(upstream, "could not be reached or dropped the connection", failure);
        }
        return new UpstreamFailureException(upstream, "failed", failure);
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
