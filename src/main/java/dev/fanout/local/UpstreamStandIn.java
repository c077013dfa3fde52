package dev.fanout.local;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.netty.channel.ChannelOption;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The one stand-in for the four upstreams of API.md (billing, orders, recommendations,
 * directory), each under its own prefix ({@code /billing/accounts/1}, {@code /orders/users/1/orders},
 * {@code /recommendations/users/1/recommendations}, {@code /directory/people/1}). Dev mode mounts
 * it on the application's router ({@link UpstreamSimulators}); tests, {@code bench/} and the fault
 * harness run it as its own server on a loopback port.
 *
 * <p>Each upstream (or one exact path) has a {@link Behaviour}: a latency, a jitter, a heavy tail
 * (a fraction of calls answered after a long delay), and a {@link Mode} applied to a share of its
 * calls: an error status, a hang, a malformed body, a connection reset, or a slow drip of the body.
 * Behaviours are set at start (command line, or the dev-mode settings) and at run time, from Java
 * or over HTTP:
 * <pre>
 *   POST /_control/&lt;upstream&gt;  {"mode":"healthy|error|hang|malformed|reset|slow|flaky", "latencyMs":0,
 *                               "jitterMs":0, "tail":"0.05:1000", "status":500, "rate":1.0, "times":n, "dripMs":100}
 *   POST /_control/set         {"&lt;upstream&gt;":{...},...}: replaces every behaviour at once
 *   POST /_control/reset       back to the start-time behaviours
 *   GET  /_control/stats       {"requests","inFlight","maxInFlight","aborted","openSockets","byUpstream":{...}}
 * </pre>
 * It counts the calls in flight per upstream and at their peak, so that a test can say "the
 * upstream never saw more than the pool at once", and, when asked to, records each exchange.
 *
 * <p>Non-blocking throughout: one event loop, a Vert.x timer per delayed answer, no thread ever
 * waits, so it holds thousands of calls in their delay at once, as the benchmark needs. It uses
 * Vert.x core and nothing else of the project, so that the scripts can run it as a single-file
 * source program with the application's own jars:
 * <pre>
 *   java -cp 'target/quarkus-app/lib/main/*' src/main/java/dev/fanout/local/UpstreamStandIn.java \
 *       --port 18081 [--latency-ms 20] [--jitter-ms 0] [--tail 0.05:1000] [--set '{"billing":{...}}'] [--max-seconds 900]
 * </pre>
 * Dev-only: the production build leaves it out (application.properties, {@code DevOnlyCodeIT}).
 *
 * <p>Its users differ only where they must: dev mode answers {@link Data#VARIED} data on the
 * application's own port and records nothing ({@link #mounted}); the tests record every exchange
 * ({@link #start()}); the scripts record nothing either, since a benchmark's millions of calls
 * would only fill the heap ({@link #main}).
 */
public final class UpstreamStandIn implements AutoCloseable {

    public static final List<String> UPSTREAMS = List.of("billing", "orders", "recommendations", "directory");
    public static final String CONTROL = "/_control";
    /** The directory knows people up to this id and answers 404 above, so that a sync can meet one it does not know. */
    public static final long DIRECTORY_MAX_ID = 1_000_000;
    /** Even a hang ends, with a reset, so that nothing outlives a run; every caller gives up long before. */
    static final Duration HANG_LIMIT = Duration.ofSeconds(60);

    private static final int DEFAULT_ORDERS_LIMIT = 5;
    private static final int MAX_ORDERS_LIMIT = 100;
    private static final String JSON = "application/json";
    private static final String PROBLEM_JSON = "application/problem+json";

    /** What the healthy answers hold. */
    public enum Data {
        /** The bodies of API.md with the caller's id in them: what tests, the bench and the fault harness check. */
        CANNED,
        /** Realistic values drawn from a generator seeded with the id (dev mode: a developer sees varied, repeatable data). */
        VARIED
    }

    /** How a call that its behaviour's {@code rate} picks goes wrong (or not). */
    public enum Mode {
        /** The healthy answer, or the behaviour's own status and body. */
        HEALTHY,
        /** The behaviour's 4xx/5xx status (500 unless set) with a problem+json body. */
        ERROR,
        /** Accepts the call and never answers: the caller's timeout or cancellation ends it ({@link #HANG_LIMIT} at the latest). */
        HANG,
        /** A 200 that says JSON, with the healthy body cut off halfway. */
        MALFORMED,
        /** Resets the TCP connection (an RST, not a FIN) without an answer. */
        RESET,
        /** The healthy answer, its headers at once and its body one byte per {@code dripMs}: a slow-loris upstream. */
        SLOW,
        /** One of error, hang, malformed, reset and slow, picked at random per call. */
        FLAKY;

        static Mode named(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final Data data;
    private final boolean recording;
    private volatile HttpServer server;
    private final Map<String, Behaviour> startBehaviours;
    private final Map<String, Behaviour> byUpstream = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> byPath = new ConcurrentHashMap<>();
    private volatile Behaviour fallback;
    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final Map<String, Counts> counts = new HashMap<>();
    private final Counts total = new Counts();
    private final AtomicInteger openSockets = new AtomicInteger();

    private UpstreamStandIn(Vertx vertx, boolean ownsVertx, Data data, boolean recording, Behaviour fallback,
            Map<String, Behaviour> startBehaviours) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.data = data;
        this.recording = recording;
        this.fallback = fallback;
        this.startBehaviours = Map.copyOf(startBehaviours);
        UPSTREAMS.forEach(upstream -> counts.put(upstream, new Counts()));
        byUpstream.putAll(this.startBehaviours);
    }

    /**
     * For a host that routes to it ({@link #handle}): dev mode, on the application's Vert.x.
     * Records no exchange: a long dev session would only pile them up.
     */
    public static UpstreamStandIn mounted(Vertx vertx, Data data, Map<String, Behaviour> behaviours) {
        return new UpstreamStandIn(vertx, false, data, false, Behaviour.healthy(), behaviours);
    }

    /** For tests: healthy, canned, on a free loopback port, recording every exchange. */
    public static UpstreamStandIn start() {
        return start(0, Behaviour.healthy(), Map.of(), true);
    }

    /**
     * Its own server on 127.0.0.1 ({@code port} 0 picks one), on its own Vert.x with one event
     * loop. {@code fallback} is how an upstream with no behaviour of its own behaves.
     */
    public static UpstreamStandIn start(int port, Behaviour fallback, Map<String, Behaviour> behaviours, boolean recording) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        UpstreamStandIn standIn = new UpstreamStandIn(vertx, true, Data.CANNED, recording, fallback, behaviours);
        // SO_LINGER 0 turns a close into a TCP reset: that is how RESET behaves.
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                .setSoLinger(0).setTcpNoDelay(true).setIdleTimeout(0).setAcceptBacklog(4096));
        server.connectionHandler(connection -> {
            standIn.openSockets.incrementAndGet();
            connection.closeHandler(closed -> standIn.openSockets.decrementAndGet());
        });
        server.requestHandler(request -> standIn.handle(request, request.path(),
                gone -> request.response().closeHandler(gone)));
        try {
            standIn.server = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the upstream stand-in did not start on port " + port, e);
        }
        return standIn;
    }

    /** {@code --port N --latency-ms N --jitter-ms N --tail fraction:ms --set '{json}' --record --max-seconds N}. */
    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("not an option: " + args[i]);
            }
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            options.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
        JsonObject fallbackJson = new JsonObject()
                .put("latencyMs", Long.parseLong(options.getOrDefault("latency-ms", "0")))
                .put("jitterMs", Long.parseLong(options.getOrDefault("jitter-ms", "0")));
        if (options.containsKey("tail")) {
            fallbackJson.put("tail", options.get("tail"));
        }
        Behaviour fallback = Behaviour.fromJson(fallbackJson);
        Map<String, Behaviour> behaviours = behavioursFromJson(new JsonObject(options.getOrDefault("set", "{}")));
        UpstreamStandIn standIn = start(Integer.parseInt(options.getOrDefault("port", "0")), fallback, behaviours,
                Boolean.parseBoolean(options.getOrDefault("record", "false")));
        System.out.println("upstream stand-in listening on 127.0.0.1:" + standIn.port() + ", every upstream "
                + fallback.describe() + (behaviours.isEmpty() ? "" : ", and " + behaviours));
        long maxSeconds = Long.parseLong(options.getOrDefault("max-seconds", "0"));
        if (maxSeconds > 0) {
            standIn.vertx.setTimer(TimeUnit.SECONDS.toMillis(maxSeconds), timer -> {
                System.out.println("upstream stand-in: " + maxSeconds + " s are up, stopping");
                System.exit(0);
            });
        }
    }

    public int port() {
        return server.actualPort();
    }

    /** The base URL of one upstream, as its {@code url} setting takes it. */
    public String url(String upstream) {
        return "http://127.0.0.1:" + port() + "/" + upstream;
    }

    /** Back to the start-time behaviours, with no exchanges recorded and the peak at what is in flight now. */
    public void reset() {
        byUpstream.clear();
        byUpstream.putAll(startBehaviours);
        byPath.clear();
        exchanges.clear();
        total.resetPeak();
        counts.values().forEach(Counts::resetPeak);
    }

    public void upstream(String upstream, Behaviour behaviour) {
        byUpstream.put(known(upstream), behaviour);
    }

    /** For one exact path, such as {@code /directory/people/7}; it wins over its upstream's behaviour. */
    public void path(String path, Behaviour behaviour) {
        byPath.put(path, behaviour);
    }

    public List<Exchange> exchanges(String upstream) {
        return exchanges.stream().filter(exchange -> exchange.upstream.equals(upstream)).toList();
    }

    public int inFlight() {
        return total.inFlight.get();
    }

    /** The most calls in flight at once, over every upstream, since the start or the last {@link #reset()}. */
    public int maxInFlight() {
        return total.maxInFlight.get();
    }

    public int inFlight(String upstream) {
        return counts.get(known(upstream)).inFlight.get();
    }

    public int maxInFlight(String upstream) {
        return counts.get(known(upstream)).maxInFlight.get();
    }

    /** The figures of {@code GET /_control/stats}. */
    public JsonObject stats() {
        JsonObject byUpstreamStats = new JsonObject();
        counts.forEach((upstream, count) -> byUpstreamStats.put(upstream, count.toJson()));
        return total.toJson().put("openSockets", openSockets.get()).put("byUpstream", byUpstreamStats);
    }

    @Override
    public void close() {
        if (ownsVertx) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        } else if (server != null) {
            server.close();
        }
    }

    /**
     * Answers one call. {@code path} is the request's path below wherever the host mounted the
     * stand-in; {@code whenGone} registers what to run when the caller goes away before the answer.
     */
    public void handle(HttpServerRequest request, String path, Consumer<Handler<Void>> whenGone) {
        if (path.startsWith(CONTROL)) {
            request.body().onComplete(read -> control(request, path.substring(CONTROL.length()),
                    read.succeeded() ? read.result() : Buffer.buffer()));
            return;
        }
        String upstream = upstreamOf(path);
        Counts count = counts.get(upstream);
        if (count == null) {
            respond(request.response(), Answer.problem(404, "no-such-upstream", "No such upstream",
                    "The stand-in serves " + UPSTREAMS));
            return;
        }
        Call call = new Call(upstream, count, request);
        if (recording) {
            exchanges.add(call.exchange);
        }
        call.start();
        whenGone.accept(gone -> call.finish(false));
        Behaviour configured = byPath.getOrDefault(path, byUpstream.getOrDefault(upstream, fallback));
        Behaviour behaviour = configured.usesLeft.getAndDecrement() > 0 ? configured : fallback;
        Answer healthy = healthyAnswer(upstream, path.substring(upstream.length() + 1), request);
        Mode mode = behaviour.modeForOneCall();
        after(call, behaviour.delayMillis(), () -> act(call, behaviour, mode, healthy));
    }

    private void act(Call call, Behaviour behaviour, Mode mode, Answer healthy) {
        if (call.finished.get()) {
            return;
        }
        switch (mode) {
            case HANG -> after(call, HANG_LIMIT.toMillis(), () -> reset(call));
            case RESET -> {
                if (behaviour.resetsLeft.getAndDecrement() > 0) {
                    reset(call);
                } else {
                    answer(call, healthy);
                }
            }
            case ERROR -> answer(call, Answer.problem(behaviour.status == 200 ? 500 : behaviour.status, "stubbed-failure",
                    "Stubbed upstream failure", "The stand-in failed this call on purpose"));
            case MALFORMED -> answer(call, healthy.cutInHalf());
            case SLOW -> drip(call, behaviour, healthy);
            default -> answer(call, healthy.status() != 200 ? healthy
                    : new Answer(behaviour.status, JSON, behaviour.body != null ? behaviour.body : healthy.body()));
        }
    }

    private void answer(Call call, Answer answer) {
        if (respond(call.request.response(), answer)) {
            call.finish(true);
        }
    }

    private static boolean respond(HttpServerResponse response, Answer answer) {
        if (response.ended() || response.closed()) {
            return false;
        }
        response.setStatusCode(answer.status()).putHeader("Content-Type", answer.contentType()).end(answer.body());
        return true;
    }

    /** The right answer, one byte per drip: the headers (with the length) at once, then the body. */
    private void drip(Call call, Behaviour behaviour, Answer healthy) {
        HttpServerResponse response = call.request.response();
        Buffer body = Buffer.buffer(healthy.body());
        response.setStatusCode(healthy.status()).putHeader("Content-Type", healthy.contentType())
                .putHeader("Content-Length", String.valueOf(body.length()));
        AtomicInteger sent = new AtomicInteger();
        long periodic = vertx.setPeriodic(Math.max(1, behaviour.dripMillis), tick -> {
            if (response.ended() || response.closed()) {
                vertx.cancelTimer(tick);
                return;
            }
            int next = sent.getAndIncrement();
            response.write(body.getBuffer(next, next + 1));
            if (next + 1 >= body.length()) {
                vertx.cancelTimer(tick);
                response.end();
                call.finish(true);
            }
        });
        call.timers.add(periodic);
    }

    /**
     * Drops the connection the way a crashed upstream or a proxy does: with an RST, which a zero
     * linger makes {@code close()} send, rather than an orderly FIN. Its own server sets that for
     * every connection; mounted on a host's server it takes a Vert.x internal class, and where that
     * is not there a plain close still fails the call.
     */
    private static void reset(Call call) {
        call.finish(true);
        HttpConnection connection = call.request.connection();
        if (connection instanceof ConnectionBase base) {
            base.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        }
        connection.close();
    }

    private void after(Call call, long delayMillis, Runnable action) {
        if (delayMillis < 1) { // Vert.x timers take at least a millisecond
            action.run();
            return;
        }
        call.timers.add(vertx.setTimer(delayMillis, fired -> action.run()));
    }

    // ------------------------------------------------------------------ answers

    private Answer healthyAnswer(String upstream, String route, HttpServerRequest request) {
        String[] segments = route.split("/");
        boolean shaped = switch (upstream) {
            case "billing" -> segments.length == 3 && segments[1].equals("accounts");
            case "orders" -> segments.length == 4 && segments[1].equals("users") && segments[3].equals("orders");
            case "recommendations" -> segments.length == 4 && segments[1].equals("users") && segments[3].equals("recommendations");
            default -> segments.length == 3 && segments[1].equals("people");
        };
        if (!shaped) {
            return Answer.problem(404, "no-such-route", "No such route", "API.md has no such " + upstream + " route");
        }
        long userId;
        int limit;
        try {
            userId = Long.parseLong(segments[2]);
            String limitParam = request.getParam("limit");
            limit = limitParam == null ? DEFAULT_ORDERS_LIMIT : Integer.parseInt(limitParam);
        } catch (NumberFormatException notANumber) {
            userId = 0;
            limit = 0;
        }
        if (userId < 1 || limit < 1 || limit > MAX_ORDERS_LIMIT) {
            return Answer.problem(400, "invalid-parameter", "Invalid parameter",
                    "The user id must be a positive integer and the limit from 1 to " + MAX_ORDERS_LIMIT);
        }
        if (upstream.equals("directory") && userId > DIRECTORY_MAX_ID) {
            return Answer.problem(404, "person-not-found", "Person not found", "The directory has no person " + userId);
        }
        return new Answer(200, JSON, data == Data.CANNED ? Canned.body(upstream, userId) : Varied.body(upstream, userId, limit));
    }

    private static String upstreamOf(String path) {
        int end = path.indexOf('/', 1);
        return end < 0 ? path.substring(1) : path.substring(1, end);
    }

    private static String known(String upstream) {
        if (!UPSTREAMS.contains(upstream)) {
            throw new IllegalArgumentException("no upstream " + upstream + "; there are " + UPSTREAMS);
        }
        return upstream;
    }

    // ------------------------------------------------------------------ control

    /**
     * One call of the control protocol, {@code action} being what follows {@value #CONTROL}, its
     * body already read (a host's router may have read it first).
     */
    void control(HttpServerRequest request, String action, Buffer body) {
        HttpServerResponse response = request.response();
        try {
            String json = body == null || body.length() == 0 ? "{}" : body.toString();
            String name = action.startsWith("/") ? action.substring(1) : action;
            if (request.method() == HttpMethod.GET && name.equals("stats")) {
                response.putHeader("Content-Type", JSON).end(stats().encode());
                return;
            }
            if (request.method() != HttpMethod.POST) {
                response.setStatusCode(405).end();
                return;
            }
            switch (name) {
                case "reset" -> reset();
                case "set" -> {
                    Map<String, Behaviour> all = behavioursFromJson(new JsonObject(json));
                    byUpstream.clear();
                    byUpstream.putAll(all);
                }
                default -> upstream(name, Behaviour.fromJson(new JsonObject(json)));
            }
            response.setStatusCode(204).end();
        } catch (RuntimeException invalid) {
            response.setStatusCode(400).putHeader("Content-Type", "text/plain").end(String.valueOf(invalid.getMessage()));
        }
    }

    private static Map<String, Behaviour> behavioursFromJson(JsonObject perUpstream) {
        Map<String, Behaviour> behaviours = new HashMap<>();
        perUpstream.forEach(entry -> behaviours.put(known(entry.getKey()), Behaviour.fromJson((JsonObject) entry.getValue())));
        return behaviours;
    }

    // ------------------------------------------------------------------ types

    /** What an upstream does with a call: after what delay, and how it answers. */
    public static final class Behaviour {

        private static final Mode[] FLAKY_MODES = {Mode.ERROR, Mode.HANG, Mode.MALFORMED, Mode.RESET, Mode.SLOW};
        private static final long DEFAULT_DRIP_MILLIS = 100;

        private final Mode mode;
        private final int status;
        private final String body;
        private final long latencyMillis;
        private final long jitterMillis;
        private final double tailFraction;
        private final long tailMillis;
        private final double rate;
        private final long dripMillis;
        /** How many more calls this behaviour applies to before the upstream falls back to healthy. */
        private final AtomicInteger usesLeft;
        /** How many more calls RESET resets before it answers healthily. */
        private final AtomicInteger resetsLeft;

        private Behaviour(Mode mode, int status, String body, long latencyMillis, long jitterMillis, double tailFraction,
                long tailMillis, double rate, long dripMillis, int usesLeft, int resetsLeft) {
            if (rate < 0 || rate > 1 || tailFraction < 0 || tailFraction > 1) {
                throw new IllegalArgumentException("rate and tail fraction are from 0 to 1");
            }
            this.mode = mode;
            this.status = status;
            this.body = body;
            this.latencyMillis = latencyMillis;
            this.jitterMillis = jitterMillis;
            this.tailFraction = tailFraction;
            this.tailMillis = tailMillis;
            this.rate = rate;
            this.dripMillis = dripMillis;
            this.usesLeft = new AtomicInteger(usesLeft);
            this.resetsLeft = new AtomicInteger(resetsLeft);
        }

        private static Behaviour of(Mode mode, int status, String body) {
            return new Behaviour(mode, status, body, 0, 0, 0, 0, 1, DEFAULT_DRIP_MILLIS, Integer.MAX_VALUE, Integer.MAX_VALUE);
        }

        public static Behaviour healthy() {
            return of(Mode.HEALTHY, 200, null);
        }

        /** Answers this status; a 4xx/5xx comes with a problem+json body. */
        public static Behaviour status(int status) {
            return status >= 400 ? of(Mode.ERROR, status, null) : of(Mode.HEALTHY, status, null);
        }

        /** A 200 with this body instead of the healthy one. */
        public static Behaviour json(String body) {
            return of(Mode.HEALTHY, 200, body);
        }

        public static Behaviour malformed() {
            return of(Mode.MALFORMED, 200, null);
        }

        public static Behaviour hang() {
            return of(Mode.HANG, 200, null);
        }

        public static Behaviour connectionReset() {
            return of(Mode.RESET, 200, null);
        }

        /** Resets the connection of the first call, then answers healthily. */
        public static Behaviour connectionResetOnce() {
            Behaviour once = connectionReset();
            once.resetsLeft.set(1);
            return once;
        }

        public static Behaviour slow() {
            return of(Mode.SLOW, 200, null);
        }

        /** This mode for a share of the calls: {@code rate} from 0 to 1; the rest answer healthily (after the same delay). */
        public static Behaviour failing(Mode mode, double rate) {
            return of(mode, 200, null).rate(rate);
        }

        /**
         * From the control protocol's JSON: {@code mode} (default healthy), {@code latencyMs},
         * {@code jitterMs}, {@code tail} ({@code "fraction:ms"}), {@code status}, {@code rate},
         * {@code times}, {@code dripMs}.
         */
        public static Behaviour fromJson(JsonObject json) {
            Mode mode = Mode.named(json.getString("mode", "healthy"));
            int status = json.getInteger("status", mode == Mode.ERROR ? 500 : 200);
            Behaviour behaviour = of(mode, status, json.getString("body"))
                    .after(Duration.ofMillis(json.getLong("latencyMs", 0L)))
                    .jitter(Duration.ofMillis(json.getLong("jitterMs", 0L)))
                    .rate(json.getDouble("rate", 1.0))
                    .drip(Duration.ofMillis(json.getLong("dripMs", DEFAULT_DRIP_MILLIS)));
            String tail = json.getString("tail");
            if (tail != null) {
                String[] parts = tail.split(":");
                behaviour = behaviour.tail(Double.parseDouble(parts[0]), Duration.ofMillis(Long.parseLong(parts[1])));
            }
            return json.containsKey("times") ? behaviour.times(json.getInteger("times")) : behaviour;
        }

        /** This behaviour for the first {@code calls} calls only, then the upstream's fallback. */
        public Behaviour times(int calls) {
            usesLeft.set(calls);
            return this;
        }

        /** Acts after this fixed latency. */
        public Behaviour after(Duration latency) {
            return copy(mode, latency.toMillis(), jitterMillis, tailFraction, tailMillis, rate, dripMillis);
        }

        /** Adds a random extra delay from zero to this per call, so that answers do not arrive in lockstep. */
        public Behaviour jitter(Duration jitter) {
            return copy(mode, latencyMillis, jitter.toMillis(), tailFraction, tailMillis, rate, dripMillis);
        }

        /** A heavy tail: this fraction of calls waits {@code delay} instead of the latency and jitter. */
        public Behaviour tail(double fraction, Duration delay) {
            return copy(mode, latencyMillis, jitterMillis, fraction, delay.toMillis(), rate, dripMillis);
        }

        /** The share of calls, from 0 to 1, that the mode applies to; the rest answer healthily. */
        public Behaviour rate(double share) {
            return copy(mode, latencyMillis, jitterMillis, tailFraction, tailMillis, share, dripMillis);
        }

        /** For SLOW: the pause between two bytes of the body. */
        public Behaviour drip(Duration pause) {
            return copy(mode, latencyMillis, jitterMillis, tailFraction, tailMillis, rate, pause.toMillis());
        }

        private Behaviour copy(Mode newMode, long latency, long jitter, double fraction, long tail, double share, long drip) {
            return new Behaviour(newMode, status, body, latency, jitter, fraction, tail, share, drip, usesLeft.get(),
                    resetsLeft.get());
        }

        long delayMillis() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (tailFraction > 0 && random.nextDouble() < tailFraction) {
                return tailMillis;
            }
            return latencyMillis + (jitterMillis > 0 ? random.nextLong(jitterMillis + 1) : 0);
        }

        Mode modeForOneCall() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (mode == Mode.HEALTHY || (rate < 1 && random.nextDouble() >= rate)) {
                return Mode.HEALTHY;
            }
            return mode == Mode.FLAKY ? FLAKY_MODES[random.nextInt(FLAKY_MODES.length)] : mode;
        }

        /** Every knob, for a start-up log line. */
        public String describe() {
            return String.format(Locale.ROOT, "%s%s after %d ms (jitter %d ms%s)%s", mode.name().toLowerCase(Locale.ROOT),
                    mode == Mode.HEALTHY || rate == 1 ? "" : " at rate " + rate, latencyMillis, jitterMillis,
                    tailFraction == 0 ? "" : ", tail " + tailFraction + " at " + tailMillis + " ms",
                    mode == Mode.ERROR ? ", status " + status : "");
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** One call as the stand-in saw it. */
    public static final class Exchange {
        public final String upstream;
        public final String path;
        public final String traceparent;
        /** The {@code Request-Timeout} the caller sent, or null. */
        public final String requestTimeout;
        private volatile boolean aborted;

        private Exchange(String upstream, String path, String traceparent, String requestTimeout) {
            this.upstream = upstream;
            this.path = path;
            this.traceparent = traceparent;
            this.requestTimeout = requestTimeout;
        }

        /** The caller went away before the stand-in answered. */
        public boolean aborted() {
            return aborted;
        }
    }

    /** One call in progress: its counters, its pending timers, whether it is over. */
    private final class Call {
        final HttpServerRequest request;
        final Exchange exchange;
        final Counts count;
        final AtomicBoolean finished = new AtomicBoolean();
        final List<Long> timers = new ArrayList<>(1);

        Call(String upstream, Counts count, HttpServerRequest request) {
            this.request = request;
            this.count = count;
            this.exchange = new Exchange(upstream, request.path(), request.getHeader("traceparent"),
                    request.getHeader("Request-Timeout"));
        }

        void start() {
            count.start();
            total.start();
        }

        /** Once per call: answered (or reset on purpose), or given up by the caller; no timer outlives it. */
        void finish(boolean answered) {
            if (finished.compareAndSet(false, true)) {
                exchange.aborted = !answered;
                count.finish(answered);
                total.finish(answered);
                timers.forEach(vertx::cancelTimer);
            }
        }
    }

    /** Calls seen, in flight now and at the peak, and given up by their callers. */
    private static final class Counts {
        final AtomicLong requests = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicLong aborted = new AtomicLong();

        void start() {
            requests.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        }

        void finish(boolean answered) {
            inFlight.decrementAndGet();
            if (!answered) {
                aborted.incrementAndGet();
            }
        }

        void resetPeak() {
            maxInFlight.set(inFlight.get());
        }

        JsonObject toJson() {
            return new JsonObject().put("requests", requests.get()).put("inFlight", inFlight.get())
                    .put("maxInFlight", maxInFlight.get()).put("aborted", aborted.get());
        }
    }

    /** What an upstream answers, before its behaviour decides whether and when. */
    private record Answer(int status, String contentType, String body) {

        static Answer problem(int status, String slug, String title, String detail) {
            return new Answer(status, PROBLEM_JSON, new JsonObject().put("type", "https://fanout.dev/problems/upstream-" + slug)
                    .put("title", title).put("status", status).put("detail", detail).encode());
        }

        /** The same answer with its body cut off mid-way: still a 200 that says JSON, but not parseable. */
        Answer cutInHalf() {
            return new Answer(status, contentType, body.substring(0, body.length() / 2));
        }
    }

    /** The bodies of API.md, with the caller's id where the contract has one. */
    private static final class Canned {
        private static final String ORDERS =
                "[{\"id\":\"o-1\",\"total\":\"30.00\",\"currency\":\"EUR\",\"placedAt\":\"2026-01-01T10:00:00Z\"}]";
        private static final String RECOMMENDATIONS = "[{\"sku\":\"sku-1\",\"score\":0.93}]";

        static String body(String upstream, long userId) {
            return switch (upstream) {
                case "billing" -> "{\"userId\":" + userId + ",\"balance\":\"12.50\",\"currency\":\"EUR\",\"status\":\"active\"}";
                case "orders" -> ORDERS;
                case "recommendations" -> RECOMMENDATIONS;
                default -> "{\"id\":" + userId + ",\"email\":\"person-" + userId + "@example.com\",\"displayName\":\"Person "
                        + userId + "\",\"plan\":\"pro\"}";
            };
        }
    }

    /**
     * Realistic values in the shapes of API.md, drawn from a generator seeded with the user id, so
     * that the same id always gets the same account, orders, recommendations and person: a developer
     * can compare two runs.
     */
    private static final class Varied {
        static final int MAX_ORDERS = 5;
        static final int RECOMMENDATIONS = 3;
        private static final String CURRENCY = "EUR";
        // A fixed "now", not the clock: the same id must give the same orders tomorrow.
        private static final Instant LATEST_ORDER = Instant.parse("2026-01-01T10:00:00Z");
        private static final int MAX_HOURS_BETWEEN_ORDERS = 24 * 30;
        private static final int SKU_RANGE = 10_000;
        private static final List<String> FIRST_NAMES = List.of(
                "Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances", "Donald", "Margaret",
                "Ken", "Radia", "Tim", "Katherine", "Dennis", "Hedy", "John", "Sophie");
        private static final List<String> LAST_NAMES = List.of(
                "Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Allen", "Knuth", "Hamilton",
                "Thompson", "Perlman", "Berners-Lee", "Johnson", "Ritchie", "Lamarr", "Backus", "Wilson");

        static String body(String upstream, long userId, int limit) {
            return switch (upstream) {
                case "billing" -> account(userId).encode();
                case "orders" -> recentOrders(userId, limit).encode();
                case "recommendations" -> recommendations(userId).encode();
                default -> person(userId).encode();
            };
        }

        static JsonObject account(long userId) {
            SplittableRandom random = seededFor("billing", userId);
            return new JsonObject()
                    .put("userId", userId)
                    .put("balance", money(random, 0, 500_00))
                    .put("currency", CURRENCY)
                    // Most accounts are in good standing; some are behind, as in any real ledger.
                    .put("status", random.nextInt(10) == 0 ? "past_due" : "active");
        }

        /** Newest first; a smaller limit gives a prefix of the same list. */
        static JsonArray recentOrders(long userId, int limit) {
            SplittableRandom random = seededFor("orders", userId);
            int count = random.nextInt(MAX_ORDERS + 1);
            Instant placedAt = LATEST_ORDER.minus(Duration.ofHours(random.nextInt(MAX_HOURS_BETWEEN_ORDERS)));
            JsonArray orders = new JsonArray();
            for (int number = 1; number <= count; number++) {
                // Draw every order even past the limit, so that the limit never changes the values drawn.
                JsonObject order = new JsonObject()
                        .put("id", "o-" + userId + "-" + number)
                        .put("total", money(random, 5_00, 250_00))
                        .put("currency", CURRENCY)
                        .put("placedAt", placedAt.toString());
                if (number <= limit) {
                    orders.add(order);
                }
                placedAt = placedAt.minus(Duration.ofHours(1 + random.nextInt(MAX_HOURS_BETWEEN_ORDERS)));
            }
            return orders;
        }

        /** Best first, scores strictly between 0 and 1. */
        static JsonArray recommendations(long userId) {
            SplittableRandom random = seededFor("recommendations", userId);
            List<JsonObject> picks = new ArrayList<>();
            for (int i = 0; i < RECOMMENDATIONS; i++) {
                picks.add(new JsonObject()
                        .put("sku", "sku-" + (1 + random.nextInt(SKU_RANGE)))
                        .put("score", (1 + random.nextInt(99)) / 100.0));
            }
            picks.sort(Comparator.comparingDouble((JsonObject pick) -> pick.getDouble("score")).reversed());
            return new JsonArray(picks);
        }

        /** The id is part of the email, which {@code users} keeps unique. */
        static JsonObject person(long userId) {
            SplittableRandom random = seededFor("directory", userId);
            String firstName = FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size()));
            String lastName = LAST_NAMES.get(random.nextInt(LAST_NAMES.size()));
            return new JsonObject()
                    .put("id", userId)
                    .put("email", (firstName + "." + lastName + "." + userId + "@example.com").toLowerCase(Locale.ROOT))
                    .put("displayName", firstName + " " + lastName)
                    .put("plan", planFrom(random.nextInt(100)));
        }

        /** Most people are on the free plan, fewer pay, fewest are teams. */
        private static String planFrom(int percentile) {
            if (percentile < 60) {
                return "free";
            }
            return percentile < 90 ? "pro" : "team";
        }

        /** An amount in cents from min to max, as the contract writes money: a decimal string with two places. */
        private static String money(SplittableRandom random, int minCents, int maxCents) {
            return BigDecimal.valueOf(random.nextInt(minCents, maxCents + 1), 2).toPlainString();
        }

        /** Each upstream draws from its own sequence, so that one user's values do not echo across upstreams. */
        private static SplittableRandom seededFor(String upstream, long userId) {
            return new SplittableRandom(upstream.hashCode() * 1_000_003L + userId);
        }
    }
}
