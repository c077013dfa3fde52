package dev.fanout.upstream;

import java.util.concurrent.atomic.AtomicBoolean;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;

/**
 * One HTTP request on a pooled Vert.x connection whose cancellation really ends it, and which
 * says when the connection is free again.
 * <p>
 * Cancelled before the pool has lent it a connection, the request is reset as soon as it
 * has one, never sent and never left holding it. Cancelled while it runs, it is reset: an
 * HTTP/1.1 reset closes the connection, so the upstream sees the call abandoned. An answer
 * this exchange has read to its end is not reset (Vert.x would close a connection the pool
 * may already have lent to another call). That narrows the window rather than closing it:
 * a pooled connection can live on another event loop, where its response may end just before
 * the reset lands; the call that then meets the closed connection is tried once more
 * ({@link UpstreamCalls}). {@code whenReleased} runs once, when the request has ended one of
 * these ways, not when our caller stopped waiting: the caller's bound on connections in use
 * ({@link dev.fanout.concurrent.Permits}) then follows the pool's, a moment ahead of the
 * pool's own recycling.
 */
final class HttpExchange {

    /** The status and the body, read in full. */
    record Answer(int status, Buffer body) {
    }

    private final UniEmitter<? super Answer> emitter;
    private final Runnable whenReleased;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile HttpClientRequest request;
    private volatile Context context;

    private HttpExchange(UniEmitter<? super Answer> emitter, Runnable whenReleased) {
        this.emitter = emitter;
        this.whenReleased = whenReleased;
    }

    static Uni<Answer> send(HttpClient client, RequestOptions options, Runnable whenReleased) {
        return Uni.createFrom().emitter(emitter -> {
            HttpExchange exchange = new HttpExchange(emitter, whenReleased);
            emitter.onTermination(exchange::resetIfUnanswered);
            try {
                client.request(options).onComplete(exchange::lent);
            } catch (RuntimeException refused) { // a closed client, or options it does not take
                exchange.ended(null, refused);
            }
        });
    }

    /** The pool lent a connection (or could not); runs on the request's context. */
    private void lent(AsyncResult<HttpClientRequest> lent) {
        if (lent.failed()) {
            ended(null, lent.cause());
            return;
        }
        HttpClientRequest lentRequest = lent.result();
        context = Vertx.currentContext();
        request = lentRequest;
        // Every failure of the request also fails its response, which is where it is handled;
        // without a handler Vert.x would log each reset as an error.
        lentRequest.exceptionHandler(ignored -> {
        });
        lentRequest.response()
                .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body)))
                .onComplete(answered -> ended(answered.result(), answered.cause()));
        if (cancelled) {
            lentRequest.reset();
        } else {
            lentRequest.end();
        }
    }

    private void ended(Answer answer, Throwable failure) {
        if (released.compareAndSet(false, true)) {
            whenReleased.run();
        }
        if (failure != null) {
            emitter.fail(failure);
        } else {
            emitter.complete(answer);
        }
    }

    /**
     * Our caller stopped waiting. The flag and the request are both volatile and each side
     * writes its own before it reads the other's, so at least one of {@link #lent} and this
     * sees that the request must be reset (a second reset does nothing).
     */
    private void resetIfUnanswered() {
        cancelled = true;
        HttpClientRequest lentRequest = request;
        if (lentRequest != null && !released.get()) {
            // On the request's own context, in order after the answer's end if that came first.
            context.runOnContext(ignored -> {
                if (!released.get()) {
                    lentRequest.reset();
                }
            });
        }
    }
}
