package dev.fanout.upstream;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;

import dev.fanout.internals.RestClientResponses;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * One REST client call whose cancellation really ends its HTTP request, and which says
 * when the client has let go of that request.
 * <p>
 * Why not just cancel the client's {@code Uni}: the Quarkus REST client (3.33) resets the
 * request of a cancelled call only if that request already exists. Cancelled before the
 * client has a pooled connection for it, the call gets its request a moment later and
 * drops it, neither sent nor reset, and that connection stays leased until the client's
 * read timeout fires (5 s; Vert.x then logs "The timeout period of 5000ms has been
 * exceeded"). A burst of short deadlines leased the whole pool away like that, and the
 * calls the bulkhead let in next waited for connections or failed on them.
 * <p>
 * So the client's {@code Uni} is never cancelled here. Cancelling this call resets its
 * request as soon as the request exists, on the request's own Vert.x context; and
 * {@code whenReleased} runs once the client's call has really ended (answered, failed or
 * reset), not when our caller stopped waiting.
 */
final class ResettableCall<T> {

    /** The call being subscribed on this thread, for {@link #capture} to fill in. */
    private static final ThreadLocal<ResettableCall<?>> SUBSCRIBING = new ThreadLocal<>();
    private static final long FIRST_POLL_MILLIS = 1;
    private static final long LONGEST_POLL_MILLIS = 64;

    private final UniEmitter<? super T> emitter;
    private final Runnable whenReleased;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile ResteasyReactiveClientRequestContext request;
    private volatile Cancellable subscription;

    private ResettableCall(UniEmitter<? super T> emitter, Runnable whenReleased) {
        this.emitter = emitter;
        this.whenReleased = whenReleased;
    }

    static <T> Uni<T> run(Supplier<Uni<T>> call, Runnable whenReleased) {
        return Uni.createFrom().emitter(emitter -> new ResettableCall<T>(emitter, whenReleased).start(call));
    }

    private void start(Supplier<Uni<T>> call) {
        ResettableCall<?> outer = SUBSCRIBING.get();
        SUBSCRIBING.set(this);
        try {
            subscription = Uni.createFrom().deferred(call::get).subscribe().with(this::answered, this::failed);
        } catch (RuntimeException e) {
            failed(e);
        } finally {
            SUBSCRIBING.set(outer);
        }
        emitter.onTermination(this::endRequestIfUnanswered);
    }

    private void answered(T item) {
        release();
        emitter.complete(item);
    }

    private void failed(Throwable failure) {
        release();
        emitter.fail(failure);
    }

    private void endRequestIfUnanswered() {
        if (released.get()) {
            return;
        }
        ResteasyReactiveClientRequestContext captured = request;
        if (captured == null) {
            // The filter never saw this call's request (not a REST client call, or one whose chain
            // left the subscribing thread): the client's own cancel, with its known gap, is all there is.
            subscription.cancel();
            release();
            return;
        }
        captured.getContext().runOnContext(ignored -> resetOnceCreated(captured, FIRST_POLL_MILLIS));
    }

    /** Runs on the request's context, where the client sets its request. */
    private void resetOnceCreated(ResteasyReactiveClientRequestContext captured, long pollMillis) {
        if (released.get()) {
            return;
        }
        HttpClientRequest http = captured.unwrap(HttpClientRequest.class);
        if (http != null) {
            if (!answeredInFull(captured)) {
                http.reset(); // the client then fails the call, which releases it
            }
            return;
        }
        // Still waiting for its connection (a pooled one is a loop turn away, a new one a connect away).
        captured.getContext().owner().setTimer(pollMillis,
                ignored -> resetOnceCreated(captured, Math.min(pollMillis * 2, LONGEST_POLL_MILLIS)));
    }

    /**
     * A response already read to its end needs no reset, and must not get one: Vert.x (4.5)
     * closes the connection of a reset request whose response has ended, and by then the
     * pool may have lent that connection to another call, which fails with "Connection was
     * closed". The client is only decoding such an answer; its end releases the call.
     * This narrows that window rather than closing it: when the pooled connection lives on
     * another event loop, its response can still end between this check and the reset.
     * A response still arriving (a slow trickle) is reset, as it must be.
     */
    private static boolean answeredInFull(ResteasyReactiveClientRequestContext captured) {
        HttpClientResponse response = RestClientResponses.vertxResponseOf(captured);
        return response != null && response.end().isComplete();
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            whenReleased.run();
        }
    }

    /**
     * Hands the REST client request to the call being subscribed (its first, if the call
     * makes several). The filter chain runs on the subscribing thread, inside {@link #start}.
     */
    static void capture(ResteasyReactiveClientRequestContext request) {
        ResettableCall<?> call = SUBSCRIBING.get();
        if (call != null && call.request == null) {
            call.request = request;
        }
    }
}
