package dev.fanout.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The four upstreams of API.md on one loopback port, each under its own prefix
 * ({@code /billing}, {@code /orders}, {@code /recommendations}, {@code /directory}).
 * Healthy by default; a test sets a {@link Behaviour} per upstream or per exact path.
 * Unlike a mock it sees the wire: which requests arrived, which headers they carried,
 * how many were in flight at once, and which the client aborted before the answer.
 */
public final class UpstreamStub implements AutoCloseable {

    public static final List<String> UPSTREAMS = List.of("billing", "orders", "recommendations", "directory");

    private static final Pattern ID = Pattern.compile("/(?:accounts|users|people)/(\\d+)");

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, Behaviour> byUpstream = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> byPath = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private UpstreamStub(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static UpstreamStub start() {
        Vertx vertx = Vertx.vertx();
        // SO_LINGER 0 turns a close into a TCP reset: that is how RESET behaves.
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSoLinger(0));
        UpstreamStub stub = new UpstreamStub(vertx, server);
        server.requestHandler(stub::handle);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the upstream stub did not start", e);
        }
        return stub;
    }

    public String url(String upstream) {
        return "http://127.0.0.1:" + server.actualPort() + "/" + upstream;
    }

    /** Back to healthy answers and empty records. */
    public void reset() {
        byUpstream.clear();
        byPath.clear();
        exchanges.clear();
        maxInFlight.set(inFlight.get());
    }

    public void upstream(String upstream, Behaviour behaviour) {
        byUpstream.put(upstream, behaviour);
    }

    /** For one exact path, such as {@code /directory/people/7}. */
    public void path(String path, Behaviour behaviour) {
        byPath.put(path, behaviour);
    }

    public List<Exchange> exchanges(String upstream) {
        return exchanges.stream().filter(exchange -> exchange.upstream.equals(upstream)).toList();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private void handle(HttpServerRequest request) {
        Exchange exchange = new Exchange(upstreamOf(request.path()), request.path(), request.getHeader("traceparent"),
                request.getHeader("Request-Timeout"));
        exchanges.add(exchange);
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        request.response().closeHandler(closed -> exchange.finish(inFlight, false));
        Behaviour configured = byPath.getOrDefault(request.path(), byUpstream.getOrDefault(exchange.upstream, Behaviour.healthy()));
        Behaviour behaviour = configured.usesLeft.getAndDecrement() > 0 ? configured : Behaviour.healthy();
        if (behaviour.delay.isZero()) {
            act(behaviour, request, exchange);
        } else {
            vertx.setTimer(behaviour.delay.toMillis(), timer -> act(behaviour, request, exchange));
        }
    }

    private void act(Behaviour behaviour, HttpServerRequest request, Exchange exchange) {
        if (exchange.finished.get() || request.response().closed()) {
            return;
        }
        switch (behaviour.kind) {
            case HANG -> {
                // never answers; the client's timeout or cancellation ends it
            }
            case RESET -> {
                exchange.finish(inFlight, true);
                if (behaviour.resetsLeft.getAndDecrement() > 0) {
                    request.connection().close();
                } else {
                    request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                            .end(healthyBody(exchange.upstream, request.path()));
                }
            }
            case RESPOND -> {
                exchange.finish(inFlight, true);
                String body = behaviour.body != null ? behaviour.body : healthyBody(exchange.upstream, request.path());
                request.response().setStatusCode(behaviour.status).putHeader("Content-Type", "application/json").end(body);
            }
        }
    }

    private static String upstreamOf(String path) {
        int end = path.indexOf('/', 1);
        return end < 0 ? path.substring(1) : path.substring(1, end);
    }

    private static String healthyBody(String upstream, String path) {
        Matcher id = ID.matcher(path);
        String userId = id.find() ? id.group(1) : "0";
        return switch (upstream) {
            case "billing" -> "{\"userId\":" + userId + ",\"balance\":\"12.50\",\"currency\":\"EUR\",\"status\":\"active\"}";
            case "orders" -> "[{\"id\":\"o-1\",\"total\":\"30.00\",\"currency\":\"EUR\",\"placedAt\":\"2026-01-01T10:00:00Z\"}]";
            case "recommendations" -> "[{\"sku\":\"sku-1\",\"score\":0.93}]";
            case "directory" -> "{\"id\":" + userId + ",\"email\":\"person-" + userId
                    + "@example.com\",\"displayName\":\"Person " + userId + "\",\"plan\":\"pro\"}";
            default -> "{}";
        };
    }

    /** One request as the stub saw it. */
    public static final class Exchange {
        public final String upstream;
        public final String path;
        public final String traceparent;
        /** The {@code Request-Timeout} the caller sent, or null. */
        public final String requestTimeout;
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile boolean aborted;

        private Exchange(String upstream, String path, String traceparent, String requestTimeout) {
            this.upstream = upstream;
            this.path = path;
            this.traceparent = traceparent;
            this.requestTimeout = requestTimeout;
        }

        /** The client closed the connection before the stub answered. */
        public boolean aborted() {
            return aborted;
        }

        private void finish(AtomicInteger inFlight, boolean answered) {
            if (finished.compareAndSet(false, true)) {
                aborted = !answered;
                inFlight.decrementAndGet();
            }
        }
    }

    /** What an upstream does with a request. */
    public static final class Behaviour {
        enum Kind { RESPOND, HANG, RESET }

        /** How many more requests this behaviour resets before it answers healthily (RESET only). */
        private final AtomicInteger resetsLeft = new AtomicInteger(Integer.MAX_VALUE);
        /** How many more requests this behaviour applies to before the upstream is healthy again. */
        private final AtomicInteger usesLeft = new AtomicInteger(Integer.MAX_VALUE);

        private final Kind kind;
        private final int status;
        private final String body;
        private final Duration delay;

        private Behaviour(Kind kind, int status, String body, Duration delay) {
            this.kind = kind;
            this.status = status;
            this.body = body;
            this.delay = delay;
        }

        public static Behaviour healthy() {
            return new Behaviour(Kind.RESPOND, 200, null, Duration.ZERO);
        }

        public static Behaviour status(int status) {
            return new Behaviour(Kind.RESPOND, status, "{\"error\":\"stubbed\"}", Duration.ZERO);
        }

        /** A 200 with this body instead of the healthy one. */
        public static Behaviour json(String body) {
            return new Behaviour(Kind.RESPOND, 200, body, Duration.ZERO);
        }

        public static Behaviour malformed() {
            return new Behaviour(Kind.RESPOND, 200, "{\"userId\": 1, \"balance\": [", Duration.ZERO);
        }

        public static Behaviour hang() {
            return new Behaviour(Kind.HANG, 0, null, Duration.ZERO);
        }

        public static Behaviour connectionReset() {
            return new Behaviour(Kind.RESET, 0, null, Duration.ZERO);
        }

        /** Closes the connection of the first request without an answer, then answers healthily. */
        public static Behaviour connectionResetOnce() {
            Behaviour once = connectionReset();
            once.resetsLeft.set(1);
            return once;
        }

        /** This behaviour for the first {@code requests} requests only, then healthy answers. */
        public Behaviour times(int requests) {
            usesLeft.set(requests);
            return this;
        }

        public Behaviour after(Duration delay) {
            return new Behaviour(kind, status, body, delay);
        }
    }
}
