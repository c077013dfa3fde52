package dev.fanout.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.fanout.support.ProblemAssertions;
import dev.fanout.support.UpstreamStandInResource;
import dev.fanout.support.UsersTable;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Hostile input over every route: at least 10,000 generated requests, from a seeded
 * {@link Random} so that any failure replays ({@code -Dfanout.fuzz.seed=<printed seed>};
 * {@code -Dfanout.fuzz.cases=<n>} for more). The rule for every case: never a 5xx, and no
 * error answer carries an internal detail ({@link ProblemAssertions#INTERNALS}). After the
 * run the function is still ready and still serves a plain request.
 *
 * <p>Well-formed HTTP goes through the JDK client; what the JDK client refuses to send
 * (huge or control-character headers, raw paths, broken request lines, odd methods) goes
 * over a raw socket. At most {@value #IN_FLIGHT} cases are in flight. Ids that could reach
 * the directory are drawn from the users sequence ({@link UsersTable#reserveIds}), and
 * writes only touch users this test created, so the fuzz never disturbs another test's rows.
 */
@QuarkusTest
@QuarkusTestResource(UpstreamStandInResource.class)
class FuzzTest {

    static final int CASES = Integer.getInteger("fanout.fuzz.cases", 10_000);
    static final long SEED = Long.getLong("fanout.fuzz.seed", System.currentTimeMillis());
    static final int IN_FLIGHT = 16;
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(30); // a hang is a failure, not a wait

    /** A case that threw in this test's own code, not an answer from the server. */
    private static final int FUZZ_BROKE = -3;
    /** A pseudo-header of ours: send the body without a Content-Length. */
    private static final String CHUNKED = "x-fuzz-chunked";

    /** The body limits as application.properties sets them: the API routes', and the /events/ pass-through's. */
    private final int apiBodyLimit = bodyLimit("fanout.http.max-api-body-size");
    private final int eventsBodyLimit = bodyLimit("quarkus.http.limits.max-body-size");

    @TestHTTPResource("/")
    URL root;

    private final List<Long> ownUsers = Collections.synchronizedList(new ArrayList<>());
    private List<Long> syncableIds;

    @Test
    void hostileInputNeverGetsA5xxNorAnInternalDetail() throws Exception {
        System.out.printf("FuzzTest: seed %d, %d cases (replay with -Dfanout.fuzz.seed=%d)%n", SEED, CASES, SEED);
        syncableIds = UsersTable.reserveIds(500);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 20; i++) {
            ownUsers.add(createUser(client, "fuzz-seed-" + SEED + "-" + i + "@example.com"));
        }
        warmUpTheFanOut(client);

        Random random = new Random(SEED);
        List<Case> cases = new ArrayList<>(CASES);
        for (int n = 0; n < CASES; n++) {
            cases.add(generate(n, new Random(random.nextLong())));
        }

        // A case of each kind first, one at a time, for the reason the profile is warmed up: each
        // route's first request loads its classes on an event loop (51-155 ms blocks, per Vert.x's
        // blocked-thread checker; the tests turn the init warm-ups off), and a first wave of 16
        // different routes at once kept a loop busy past billing's timeout in CI.
        Map<String, Case> firstOfEachKind = new LinkedHashMap<>();
        cases.forEach(c -> firstOfEachKind.putIfAbsent(c.kind(), c));
        Tally tally = new Tally();
        long started = System.nanoTime();
        firstOfEachKind.values().forEach(c -> tally.tryCase(client, c));
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        try {
            for (Case c : cases) {
                if (firstOfEachKind.get(c.kind()) != c) {
                    pool.execute(() -> tally.tryCase(client, c));
                }
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).as("the fuzz run finished").isTrue();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("FuzzTest: %d cases in %.1f s (seed %d); 5xx seen: %d; statuses %s%nFuzzTest: kinds %s%n",
                CASES, took.toMillis() / 1000.0, SEED, tally.fiveHundreds.get(), new TreeMap<>(tally.statuses),
                new TreeMap<>(tally.kinds));
        tally.failures.forEach(failure -> System.out.println("FuzzTest FAILURE " + failure));

        assertThat(tally.failures).as("fuzz failures (seed " + SEED + ")").isEmpty();
        assertThat(tally.judged.get()).as("every case was sent and judged").isEqualTo(CASES);
        assertStillHealthy(client);
    }

    /**
     * The first profiles after the application starts load the upstream clients' classes and open
     * their connections, which on a loaded two-core CI machine has taken longer than billing's
     * one-second timeout: a 504 that says nothing about hostile input. So the fan-out is
     * exercised until it answers 200 (a few tries at most) before the first generated case.
     */
    private void warmUpTheFanOut(HttpClient client) throws Exception {
        URI profile = uri("/users/" + ownUsers.get(0) + "/profile");
        int status = 0;
        for (int attempt = 0; attempt < 5 && status != 200; attempt++) {
            status = client.send(HttpRequest.newBuilder(profile).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        assertThat(status).as("the profile answers before the fuzz starts").isEqualTo(200);
    }

    private void assertStillHealthy(HttpClient client) throws Exception {
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as("ready after the fuzz: " + ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"UP\"");
        long id = createUser(client, "fuzz-after-" + SEED + "@example.com");
        HttpResponse<String> user = client.send(HttpRequest.newBuilder(uri("/users/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(user.statusCode()).isEqualTo(200);
        HttpResponse<String> profile = client.send(HttpRequest.newBuilder(uri("/users/" + id + "/profile")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
    }

    private long createUser(HttpClient client, String email) throws Exception {
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(uri("/users"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"" + email + "\",\"displayName\":\"Fuzz\",\"plan\":\"free\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String body = created.body();
        int at = body.indexOf("\"id\":") + 5;
        return Long.parseLong(body.substring(at, body.indexOf(',', at)).trim());
    }

    /** What the cases answered, gathered from the sending threads. */
    private final class Tally {
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> kinds = new ConcurrentHashMap<>();
        final AtomicInteger fiveHundreds = new AtomicInteger();
        final AtomicInteger judged = new AtomicInteger();

        void tryCase(HttpClient client, Case c) {
            Answer answer;
            try {
                answer = c.raw() ? sendRaw(c) : send(client, c);
            } catch (RuntimeException broken) {
                answer = new Answer(FUZZ_BROKE, "the fuzz itself failed: " + broken);
            }
            judged.incrementAndGet();
            kinds.computeIfAbsent(c.kind(), k -> new AtomicInteger()).incrementAndGet();
            statuses.computeIfAbsent(answer.status() < 0 ? "cut off" : String.valueOf(answer.status()),
                    k -> new AtomicInteger()).incrementAndGet();
            String verdict = judge(c, answer);
            if (answer.status() >= 500) {
                fiveHundreds.incrementAndGet();
            }
            if (verdict != null && failures.size() < 50) {
                failures.add("case " + c.n() + " [" + c.kind() + "] " + c.method() + " " + abbreviate(c.path(), 120)
                        + " " + c.headers().keySet() + " -> " + verdict + ": " + abbreviate(answer.body(), 300));
            }
        }
    }

    // ---- the rule

    /** Null when the answer keeps the rule, else what broke it. */
    private static String judge(Case c, Answer answer) {
        if (answer.status() == FUZZ_BROKE) {
            return answer.body(); // never a pass: the case was not really tried
        }
        if (answer.status() == -2) {
            return "no answer within " + ANSWER_WITHIN.toSeconds() + " s";
        }
        if (answer.status() == -1) {
            // The server may answer an oversized body early and close while the client still sends.
            return c.mayBeCutOff() ? null : "connection failed: " + answer.body();
        }
        if (answer.status() >= 500) {
            return "status " + answer.status();
        }
        if (answer.status() >= 300) {
            for (String internal : ProblemAssertions.INTERNALS) {
                if (answer.body().toLowerCase(Locale.ROOT).contains(internal.toLowerCase(Locale.ROOT))) {
                    return "status " + answer.status() + " leaks '" + internal + "'";
                }
            }
        }
        return null;
    }

    // ---- sending

    record Case(int n, String kind, String method, String path, Map<String, String> headers, byte[] body, boolean raw,
            boolean mayBeCutOff) {
    }

    /** status -1: the connection failed; -2: no answer in time. */
    record Answer(int status, String body) {
    }

    private Answer send(HttpClient client, Case c) {
        try {
            HttpRequest.BodyPublisher body = c.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : c.headers().containsKey(CHUNKED)
                            ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(c.body()))
                            : HttpRequest.BodyPublishers.ofByteArray(c.body());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(c.path())).timeout(ANSWER_WITHIN).method(c.method(), body);
            c.headers().forEach((name, value) -> {
                if (!name.equals(CHUNKED)) {
                    request.header(name, value);
                }
            });
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (java.net.http.HttpTimeoutException e) {
            return new Answer(-2, e.toString());
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, e.toString());
        } catch (IllegalArgumentException refusedByTheJdkClient) {
            return sendRaw(c); // a header value the JDK client will not send (non-ASCII, say)
        }
    }

    /** The request exactly as generated: request line, headers, body, then read the answer until the server closes. */
    private Answer sendRaw(Case c) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(root.getHost(), root.getPort()), 5_000);
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes((c.method() + " " + c.path() + " HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(("Host: " + root.getHost() + ":" + root.getPort() + "\r\nConnection: close\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            c.headers().forEach((name, value) -> request.writeBytes((name + ": " + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
            if (c.body() != null) {
                request.writeBytes(("Content-Length: " + c.body().length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (c.body() != null) {
                request.writeBytes(c.body());
            }
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.toByteArray());
                out.flush();
            } catch (IOException cutOff) {
                // the server may refuse early and close; read what it answered
            }
            String answer = readAll(socket.getInputStream());
            if (!answer.startsWith("HTTP/1.1 ") || answer.length() < 12) {
                return new Answer(-1, "no HTTP answer: '" + abbreviate(answer, 100) + "'");
            }
            int status = Integer.parseInt(answer.substring(9, 12));
            int bodyAt = answer.indexOf("\r\n\r\n");
            return new Answer(status, bodyAt < 0 ? "" : answer.substring(bodyAt + 4));
        } catch (SocketTimeoutException e) {
            return new Answer(-2, e.toString());
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = in.read(buffer)) >= 0 && answer.size() < 1 << 20;) {
                answer.write(buffer, 0, read);
            }
        } catch (IOException reset) {
            if (answer.size() == 0) {
                throw reset;
            }
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://" + root.getHost() + ":" + root.getPort() + pathAndQuery);
    }

    private static String abbreviate(String text, int max) {
        String oneLine = text.replaceAll("[\\r\\n]+", " ");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…(" + oneLine.length() + " chars)";
    }

    // ---- generating

    private static final List<String> METHODS = List.of("GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "HEAD");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json",
            "application/json; charset=utf-8", "application/json; charset=ISO-8859-1", "application/json; charset=bogus-9",
            "application/json; charset=", "text/plain", "application/xml", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/problem+json", "*/*", "application/", ";;;", "\u00e9/\u00e9");
    private static final List<String> SQL = List.of("' OR '1'='1", "1; DROP TABLE users; --", "\" OR 1=1 --",
            "1' UNION SELECT password FROM pg_shadow --", "$1", "'); DELETE FROM users; --", "%' --", "\\x00",
            "1/**/OR/**/1=1", "admin'--", "'; SELECT pg_sleep(10); --", "?1");
    private static final List<String> TRAVERSAL = List.of("../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd",
            "%2e%2e/%2e%2e/etc/passwd", "..\\..\\windows\\win.ini", "....//....//etc/passwd", "%252e%252e%252f",
            "/etc/passwd", "..;/..;/q/health", "%c0%ae%c0%ae/", ".", "..", "~root", "%00", "WEB-INF/web.xml");
    private static final List<String> NUMBERS = List.of("0", "-1", "-9223372036854775808", "9223372036854775807",
            "9223372036854775808", "99999999999999999999999999999999", "1.5", "1e3", "-0", "0x10", "1_000", "NaN",
            "Infinity", "+1", " 1", "1 ", "007", "١٢٣", "1e309", "0.0000001", "true", "null", "\"1\"", "[]", "{}");

    private Case generate(int n, Random r) {
        int pick = r.nextInt(100);
        if (pick < 10) return usersBody(n, r, "POST", "/users", "create: wrong types and values");
        if (pick < 17) return usersBody(n, r, "PATCH", "/users/" + ownUser(r), "patch: wrong types and values");
        if (pick < 24) return randomBody(n, r);
        if (pick < 28) return oversizedBody(n, r);
        if (pick < 33) return deepJson(n, r);
        if (pick < 43) return ids(n, r);
        if (pick < 48) return listQuery(n, r);
        if (pick < 56) return syncBody(n, r);
        if (pick < 62) return sqsEvent(n, r);
        if (pick < 67) return profile(n, r);
        if (pick < 72) return traversal(n, r);
        if (pick < 77) return hugeHeaders(n, r);
        if (pick < 81) return hugeQuery(n, r);
        if (pick < 86) return unknownRoutes(n, r);
        if (pick < 90) return contentTypes(n, r);
        if (pick < 94) return malformedHttp(n, r);
        if (pick < 97) return controlCharacters(n, r);
        return headerValues(n, r);
    }

    private long ownUser(Random r) {
        return ownUsers.get(r.nextInt(ownUsers.size()));
    }

    private Case json(int n, String kind, String method, String path, String body) {
        return new Case(n, kind, method, path, Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8), false, false);
    }

    private Case usersBody(int n, Random r, String method, String path, String kind) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (r.nextInt(4) > 0) fields.put("email", value(r, () -> quoted("fuzz-" + n + "-" + Long.toHexString(r.nextLong()) + "@example.com")));
        if (r.nextInt(4) > 0) fields.put("displayName", value(r, () -> quoted(hostileText(r))));
        if (r.nextInt(4) > 0) fields.put("plan", value(r, () -> quoted(List.of("free", "pro", "team", "gold", "PRO", "", " free").get(r.nextInt(7)))));
        if (r.nextInt(5) == 0) fields.put(hostileText(r).replace("\"", ""), value(r, () -> "1"));
        if (r.nextInt(10) == 0) fields.put("id", r.nextBoolean() ? "1" : "-1");
        StringBuilder body = new StringBuilder("{");
        fields.forEach((name, value) -> body.append(body.length() > 1 ? "," : "").append(quoted(name)).append(':').append(value));
        body.append('}');
        String text = switch (r.nextInt(12)) {
            case 0 -> "[" + body + "]";
            case 1 -> body.substring(0, r.nextInt(body.length()));
            case 2 -> body.toString() + body;
            default -> body.toString();
        };
        return json(n, kind, method, path, text);
    }

    /** A JSON value of the wrong type most of the time, else the supplied good one. */
    private static String value(Random r, java.util.function.Supplier<String> good) {
        return switch (r.nextInt(10)) {
            case 0 -> NUMBERS.get(r.nextInt(NUMBERS.size())).replace("\"1\"", "1");
            case 1 -> "null";
            case 2 -> "[" + good.get() + "]";
            case 3 -> "{\"v\":" + good.get() + "}";
            case 4 -> r.nextBoolean() ? "true" : "false";
            case 5 -> quoted(SQL.get(r.nextInt(SQL.size())));
            case 6 -> quoted("x".repeat(r.nextInt(400)));
            default -> good.get();
        };
    }

    private Case randomBody(int n, Random r) {
        byte[] body = new byte[r.nextInt(4096)];
        r.nextBytes(body);
        String path = List.of("/users", "/users/" + ownUser(r), "/sync", "/events/sqs").get(r.nextInt(4));
        String method = path.startsWith("/users/") ? "PATCH" : "POST";
        return new Case(n, "random bytes", method, path, Map.of("Content-Type", "application/json"), body, false, false);
    }

    private Case oversizedBody(int n, Random r) {
        boolean events = r.nextInt(20) == 0;
        int size = events ? eventsBodyLimit + 1 + r.nextInt(1024) : apiBodyLimit + 1 + r.nextInt(3 * apiBodyLimit);
        String path = events ? "/events/sqs" : List.of("/users", "/sync", "/users/" + ownUser(r)).get(r.nextInt(3));
        String method = path.startsWith("/users/") ? "PATCH" : "POST";
        byte[] body = ("{\"displayName\":\"" + "A".repeat(size) + "\"}").getBytes(StandardCharsets.UTF_8);
        // without a Content-Length (chunked): only the outer limit bounds it; the rule still holds
        boolean chunked = r.nextInt(4) == 0 && !events;
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/json"));
        if (chunked) {
            headers.put(CHUNKED, "");
        }
        return new Case(n, chunked ? "oversized body, chunked" : "oversized body", method, path, headers, body, false, true);
    }

    private Case deepJson(int n, Random r) {
        int depth = List.of(63, 65, 100, 1_000, 5_000, 20_000).get(r.nextInt(6));
        boolean arrays = r.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        String body = switch (r.nextInt(5)) {
            case 0 -> "{\"userIds\":" + nested + "}";
            case 1 -> "{\"email\":\"a@example.com\",\"displayName\":" + nested + ",\"plan\":\"pro\"}";
            case 2 -> "{\"Records\":[{\"messageId\":\"m\",\"body\":" + quoted(nested) + "}],\"x\":" + nested + "}";
            default -> nested;
        };
        String path = List.of("/users", "/sync", "/events/sqs", "/users/" + ownUser(r)).get(r.nextInt(4));
        return json(n, "deep JSON nesting " + depth, path.startsWith("/users/") ? "PATCH" : "POST", path, body);
    }

    private Case ids(int n, Random r) {
        String id = switch (r.nextInt(4)) {
            case 0 -> NUMBERS.get(r.nextInt(NUMBERS.size()));
            case 1 -> SQL.get(r.nextInt(SQL.size()));
            case 2 -> String.valueOf(r.nextLong());
            default -> hostileText(r);
        };
        String method = List.of("GET", "DELETE", "PATCH", "GET").get(r.nextInt(4));
        String path = "/users/" + encode(id) + (r.nextInt(4) == 0 ? "/profile" : "");
        if (path.endsWith("/profile")) {
            method = "GET";
        }
        return method.equals("PATCH") ? json(n, "ids: huge, negative, non-numeric", method, path, "{\"plan\":\"pro\"}")
                : new Case(n, "ids: huge, negative, non-numeric", method, path, Map.of(), null, false, false);
    }

    private Case listQuery(int n, Random r) {
        String query = switch (r.nextInt(5)) {
            case 0 -> "?limit=" + encode(NUMBERS.get(r.nextInt(NUMBERS.size())));
            case 1 -> "?after=" + encode(NUMBERS.get(r.nextInt(NUMBERS.size())));
            case 2 -> "?limit=" + encode(SQL.get(r.nextInt(SQL.size()))) + "&after=" + encode(hostileText(r));
            case 3 -> "?limit=1&limit=2&after=1&after=x&" + encode(hostileText(r)) + "=" + encode(hostileText(r));
            default -> "?limit=" + (1 + r.nextInt(200)) + "&after=" + ownUser(r);
        };
        return new Case(n, "list: query values", "GET", "/users" + query, Map.of(), null, false, false);
    }

    private Case syncBody(int n, Random r) {
        int count = r.nextInt(10) == 0 ? 101 + r.nextInt(5_000) : r.nextInt(6);
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ids.append(i > 0 ? "," : "").append(r.nextInt(3) == 0 ? value(r, () -> "1").replace("1", badId(r))
                    : String.valueOf(syncableIds.get(r.nextInt(syncableIds.size()))));
        }
        String body = switch (r.nextInt(8)) {
            case 0 -> "{\"userIds\":\"" + ids + "\"}";
            case 1 -> "{\"userIds\":{\"0\":1}}";
            case 2 -> "{\"userIds\":null}";
            case 3 -> "{\"ids\":[" + ids + "]}";
            default -> "{\"userIds\":[" + ids + "]}";
        };
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/json"));
        if (r.nextInt(5) == 0) {
            headers.put("Request-Timeout", List.of("abc", "-1", "0", "99999999999", "1e3", "5000", "", " ").get(r.nextInt(8)));
        }
        return new Case(n, "sync: ids and batch size", "POST", "/sync", headers, body.getBytes(StandardCharsets.UTF_8), false, false);
    }

    private static int bodyLimit(String key) {
        return Math.toIntExact(ConfigProvider.getConfig().getValue(key, MemorySize.class).asLongValue());
    }

    private static String badId(Random r) {
        return List.of("-1", "0", "1.5", "\"7\"", "9223372036854775808", "1e3", "null", "[1]", "{}", "true").get(r.nextInt(10));
    }

    private Case sqsEvent(int n, Random r) {
        int records = r.nextInt(12);
        StringBuilder event = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < records; i++) {
            String messageBody = switch (r.nextInt(6)) {
                case 0 -> quoted("{\"userId\":" + badId(r) + "}");
                case 1 -> quoted(hostileText(r));
                case 2 -> value(r, () -> "1");
                case 3 -> quoted("{\"userId\":" + quoted(SQL.get(r.nextInt(SQL.size()))) + "}");
                default -> quoted("{\"userId\":" + syncableIds.get(r.nextInt(syncableIds.size())) + "}");
            };
            String messageId = r.nextInt(8) == 0 ? value(r, () -> "\"\"") : quoted("m-" + n + "-" + i);
            String attributes = r.nextInt(3) == 0 ? ",\"attributes\":{\"MessageGroupId\":" + value(r, () -> "\"g\"") + "}" : "";
            event.append(i > 0 ? "," : "").append("{\"messageId\":").append(messageId).append(",\"body\":")
                    .append(messageBody).append(attributes).append('}');
        }
        event.append("]}");
        String body = switch (r.nextInt(8)) {
            case 0 -> "{\"Records\":" + value(r, () -> "[]") + "}";
            case 1 -> hostileText(r);
            case 2 -> "";
            default -> event.toString();
        };
        String contentType = CONTENT_TYPES.get(r.nextInt(CONTENT_TYPES.size()));
        Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", contentType));
        if (r.nextInt(4) == 0) {
            headers.put("x-amzn-lambda-context", lambdaContext(r));
        }
        return new Case(n, "sqs: events", "POST", "/events/sqs", headers, body.getBytes(StandardCharsets.UTF_8), false, false);
    }

    /**
     * Malformed or far-future Lambda contexts: a past deadline would be a legitimate 504. The
     * cases are generated before any is sent, so "future" means an hour: at a minute, the last
     * cases of a run slowed to 78 s (0.6 of a CPU) arrived after their deadline.
     */
    private static String lambdaContext(Random r) {
        long anHourAhead = System.currentTimeMillis() + 3_600_000;
        return switch (r.nextInt(6)) {
            case 0 -> "{\"deadline\":" + anHourAhead + "}";
            case 1 -> "{\"deadline\":\"soon\"}";
            case 2 -> "not json";
            case 3 -> "{\"deadline\":" + List.of("1e20", "99999999999999999999", "9223372036854775807", "99999999999999999",
                    "-5", "0", "null", "\"" + anHourAhead + "\"").get(r.nextInt(8)) + "}";
            case 4 -> "[" + "[".repeat(200) + "]".repeat(200) + "]";
            default -> "{}";
        };
    }

    private Case profile(int n, Random r) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (r.nextBoolean()) {
            headers.put("Request-Timeout", List.of("abc", "-5", "0", "999999999", "9999999999", "1.5", "1500", "60000", "")
                    .get(r.nextInt(9)));
        }
        if (r.nextInt(3) == 0) {
            headers.put("x-amzn-lambda-context", lambdaContext(r));
        }
        if (r.nextInt(4) == 0) {
            headers.put("Accept", List.of("application/xml", "text/html", "*/*", "application/json", "garbage").get(r.nextInt(5)));
        }
        String id = r.nextInt(3) == 0 ? encode(NUMBERS.get(r.nextInt(NUMBERS.size()))) : String.valueOf(ownUser(r));
        return new Case(n, "profile: ids and headers", "GET", "/users/" + id + "/profile", headers, null, false, false);
    }

    private Case traversal(int n, Random r) {
        String attack = TRAVERSAL.get(r.nextInt(TRAVERSAL.size()));
        String path = List.of("/users/", "/users/1/", "/", "/q/", "/events/", "/sync/", "/users/1/profile/").get(r.nextInt(7)) + attack;
        String method = List.of("GET", "POST", "DELETE").get(r.nextInt(3));
        return new Case(n, "path traversal", method, path, Map.of(), method.equals("POST") ? "{}".getBytes() : null, true, false);
    }

    private Case hugeHeaders(int n, Random r) {
        Map<String, String> headers = new LinkedHashMap<>();
        int size = List.of(1_000, 8_000, 15_000, 17_000, 40_000, 200_000).get(r.nextInt(6));
        String name = List.of("X-Fuzz", "Request-Timeout", "Content-Type", "Accept", "Cookie", "x-amzn-lambda-context")
                .get(r.nextInt(6));
        headers.put(name, "a".repeat(size));
        if (r.nextBoolean()) {
            for (int i = 0; i < 50 + r.nextInt(300); i++) {
                headers.put("X-Many-" + i, "v" + i);
            }
        }
        String path = List.of("/users", "/users/" + ownUser(r), "/users/" + ownUser(r) + "/profile", "/q/health/ready").get(r.nextInt(4));
        return new Case(n, "huge headers", "GET", path, headers, null, true, true);
    }

    private Case hugeQuery(int n, Random r) {
        int size = List.of(500, 3_000, 4_100, 10_000, 100_000).get(r.nextInt(5));
        String query = r.nextBoolean() ? "?limit=" + "9".repeat(size) : "?" + "a=1&".repeat(size / 4);
        return new Case(n, "huge query string", "GET", "/users" + query, Map.of(), null, true, true);
    }

    private Case unknownRoutes(int n, Random r) {
        String path = switch (r.nextInt(6)) {
            case 0 -> "/" + encode(hostileText(r));
            case 1 -> "/users/" + ownUser(r) + "/" + encode(hostileText(r));
            case 2 -> "/events/" + List.of("migrate", "sns", "s3", "").get(r.nextInt(4));
            case 3 -> "/_dev/upstreams/billing/accounts/1";
            case 4 -> "/q/" + List.of("dev", "dev-ui", "swagger-ui", "arc", "env", "config").get(r.nextInt(6));
            default -> "/users/" + ownUser(r) + "/profile/" + r.nextInt(10);
        };
        String method = METHODS.get(r.nextInt(METHODS.size()));
        if (method.equals("HEAD")) {
            method = "GET";
        }
        return new Case(n, "unknown paths and methods", method, path, Map.of("Content-Type", "application/json"),
                method.equals("GET") ? null : "{}".getBytes(), false, false);
    }

    private Case contentTypes(int n, Random r) {
        String path = List.of("/users", "/sync", "/users/" + ownUser(r), "/events/sqs").get(r.nextInt(4));
        String method = path.startsWith("/users/") ? "PATCH" : "POST";
        String body = path.equals("/sync") ? "{\"userIds\":[" + syncableIds.get(0) + "]}"
                : "{\"email\":\"ct-" + n + "-" + Long.toHexString(r.nextLong()) + "@example.com\",\"displayName\":\"Ct\",\"plan\":\"pro\"}";
        Map<String, String> headers = new LinkedHashMap<>();
        if (r.nextInt(6) > 0) {
            headers.put("Content-Type", CONTENT_TYPES.get(r.nextInt(CONTENT_TYPES.size())));
        }
        if (r.nextInt(3) == 0) {
            headers.put("Accept", List.of("application/xml", "text/html", "*/*", "application/json", "x/y;q=abc", "")
                    .get(r.nextInt(6)));
        }
        return new Case(n, "content types", method, path, headers, body.getBytes(StandardCharsets.ISO_8859_1), true, false);
    }

    private Case malformedHttp(int n, Random r) {
        String method = switch (r.nextInt(6)) {
            case 0 -> "TRACE";
            case 1 -> "CONNECT";
            case 2 -> "G\u00c9T";
            case 3 -> "PROPFIND";
            case 4 -> "GET /users HTTP/1.1\r\nX:";
            default -> "BREW";
        };
        String path = List.of("/users", "*", "http://evil.example/users", "users", "/users?%zz", "/users/%", "/%00").get(r.nextInt(7));
        Map<String, String> headers = new LinkedHashMap<>();
        switch (r.nextInt(4)) {
            case 0 -> headers.put("Transfer-Encoding", "chunked, identity");
            case 1 -> headers.put("Content-Length", "-1");
            case 2 -> headers.put("Bad Header Name", "x");
            default -> headers.put("X-Fold", "a\r\n folded");
        }
        return new Case(n, "malformed HTTP", method, path, headers, null, true, true);
    }

    private Case controlCharacters(int n, Random r) {
        String text = hostileText(r);
        String body = switch (r.nextInt(3)) {
            case 0 -> "{\"email\":\"cc-" + n + "@example.com\",\"displayName\":" + quoted(text) + ",\"plan\":\"pro\"}";
            case 1 -> "{\"email\":" + quoted(text + n + "@example.com") + ",\"displayName\":\"Cc\",\"plan\":\"pro\"}";
            default -> "{\"displayName\":" + quoted(text) + "}";
        };
        boolean patch = body.startsWith("{\"displayName\"");
        return json(n, "unicode and control characters", patch ? "PATCH" : "POST", patch ? "/users/" + ownUser(r) : "/users", body);
    }

    private Case headerValues(int n, Random r) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(List.of("Request-Timeout", "x-amzn-lambda-context", "Accept", "Content-Type", "traceparent", "X-Forwarded-For")
                .get(r.nextInt(6)), hostileText(r).replaceAll("[\\r\\n]", "") + "\u0001\u007f\u00ff");
        String path = List.of("/users", "/users/" + ownUser(r), "/users/" + ownUser(r) + "/profile").get(r.nextInt(3));
        return new Case(n, "control characters in headers", "GET", path, headers, null, true, true);
    }

    /** Text meant to break something: control characters, NUL, lone surrogates, RTL, emoji, SQL, long runs. */
    private static String hostileText(Random r) {
        StringBuilder text = new StringBuilder();
        int parts = 1 + r.nextInt(4);
        for (int i = 0; i < parts; i++) {
            text.append(switch (r.nextInt(9)) {
                case 0 -> "\u0000";
                case 1 -> String.valueOf((char) r.nextInt(32));
                case 2 -> "\ud800";
                case 3 -> "\u202e\u200b\ufeff\uffff";
                case 4 -> "\uD83D\uDE00\u00e9\u4e2d\u0627";
                case 5 -> SQL.get(r.nextInt(SQL.size()));
                case 6 -> TRAVERSAL.get(r.nextInt(TRAVERSAL.size()));
                case 7 -> "%s%n${jndi:ldap://x}{{7*7}}<script>";
                default -> randomUnicode(r, r.nextInt(20));
            });
        }
        return text.toString();
    }

    private static String randomUnicode(Random r, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(r.nextInt(4) == 0 ? r.nextInt(0x110000) : 32 + r.nextInt(95));
        }
        return text.toString();
    }

    /** A JSON string literal; control characters and lone surrogates escaped, as a client's JSON library would. */
    private static String quoted(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) || c == 0x7f) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
