package dev.fanout.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.UpstreamUrls;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged application started as its own process in prod mode, and driven the way the AWS
 * Lambda Web Adapter drives it: readiness on {@code /q/health/ready}, HTTP requests with the
 * adapter's {@code x-amzn-lambda-context} and {@code x-amzn-request-context} headers, and non-HTTP
 * events POSTed to the pass-through paths. It brings its own PostgreSQL and upstream stub.
 *
 * <p>What it starts is what the build packaged ({@link PackagedApp}): the fast-jar
 * ({@code target/quarkus-app/quarkus-run.jar}, what native/build.sh --jvm zips) after
 * {@code ./mvnw verify}, the native executable (what native/build.sh --native zips) after
 * {@code ./mvnw verify -Dnative}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagedAppIT {

    private static final Path LOG = Path.of("target", "packaged-app-it.log");
    private static final Path POSTGRES_DIR = Path.of("target", "packaged-app-it-postgres");
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(10);
    /** How far ahead of now the invocation's deadline is, as Lambda would set it for a nearly spent budget. */
    private static final Duration LAMBDA_BUDGET = Duration.ofMillis(300);
    /** fanout.profile.billing.timeout. */
    private static final Duration BILLING_TIMEOUT = Duration.ofSeconds(1);
    /** Billing's latency while SIGTERM arrives: a request is in flight, within billing's timeout. */
    private static final Duration IN_FLIGHT_AT_SIGTERM = Duration.ofMillis(700);
    private static final String FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:fanout-dev-profile";
    private static final String SQS_EVENT = "/events/sqs-standard.json";
    private static final List<String> SQS_FAILED_MESSAGES = List.of(
            "2e1424d4-f796-459a-8184-9c92662be6da", "8d7a3f5e-0c6b-4b3e-a2f4-6c0e9b7d1e55");

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * HTTP/1.1, as the Web Adapter speaks to the app. (A newer JDK's client upgrades to h2c and
     * rejects the refusal's Connection header, which HTTP/2 forbids; the adapter never asks for h2c.)
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static EmbeddedPostgres postgres;
    private static UpstreamStandIn upstreams;
    private static Process app;
    private static URI base;

    @BeforeAll
    static void startTheApplication() throws Exception {
        List<String> command = PackagedApp.launchCommand();
        Files.createDirectories(POSTGRES_DIR);
        postgres = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(POSTGRES_DIR.toAbsolutePath().toFile())
                .setPGStartupWait(STARTUP)
                .start();
        upstreams = UpstreamStandIn.start();
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port);

        String database = "localhost:" + postgres.getPort() + "/postgres";
        ProcessBuilder launch = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(LOG.toFile());
        Map<String, String> env = launch.environment();
        env.keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("AWS_") || name.startsWith("FANOUT_"));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + database);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + database);
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("QUARKUS_FLYWAY_MIGRATE_AT_START", "true");
        for (String upstream : UpstreamStandIn.UPSTREAMS) {
            env.put(UpstreamUrls.environmentVariable(upstream), upstreams.url(upstream));
        }
        app = launch.start();
        awaitReady();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (app != null && app.isAlive()) {
            app.destroyForcibly().waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
        }
        if (upstreams != null) {
            upstreams.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void readinessIsUpWithTheDatabase() throws Exception {
        HttpResponse<String> ready = send(get("/q/health/ready"));
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(2)
    void requestWithTheAdaptersHeadersIsServed() throws Exception {
        String requestId = UUID.randomUUID().toString();
        HttpResponse<String> created = send(adapterRequest("POST", "/users", requestId, Instant.now().plusSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"it-" + requestId + "@example.com\",\"displayName\":\"Packaged\",\"plan\":\"pro\"}"))
                .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = JSON.readTree(created.body()).path("id").asLong();

        HttpResponse<String> read = send(adapterRequest("GET", "/users/" + id, UUID.randomUUID().toString(),
                Instant.now().plusSeconds(10)).GET().build());
        assertThat(read.statusCode()).isEqualTo(200);
        // A success writes no log line; the request id is checked where one is written (the 504 below).
    }

    @Test
    @Order(3)
    void invocationDeadlineEndsAHangingProfileWithA504NearIt() throws Exception {
        long id = createUser();
        // Warm: a fresh JVM's first profile pays class loading and connects, which Lambda's
        // deadline would count too; this test is about the deadline, not the cold start.
        assertThat(send(adapterRequest("GET", "/users/" + id + "/profile", UUID.randomUUID().toString(),
                Instant.now().plusSeconds(10)).GET().build()).statusCode()).isEqualTo(200);
        upstreams.upstream("billing", UpstreamStandIn.Behaviour.hang());
        try {
            String requestId = UUID.randomUUID().toString();
            long start = System.nanoTime();
            HttpResponse<String> profile = send(adapterRequest("GET", "/users/" + id + "/profile", requestId,
                    Instant.now().plus(LAMBDA_BUDGET)).GET().build());
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(profile.statusCode()).as(profile.body()).isEqualTo(504);
            assertThat(profile.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            // Before billing's own 1 s timeout (and the configured 2 s): the invocation's deadline decided.
            assertThat(took).isGreaterThanOrEqualTo(LAMBDA_BUDGET.minusMillis(100)).isLessThan(BILLING_TIMEOUT);
            assertRequestIdLogged(requestId);
        } finally {
            upstreams.reset();
        }
    }

    @Test
    @Order(4)
    void sqsEventOnThePassThroughPathAnswersTheFailedMessages() throws Exception {
        String event;
        try (InputStream fixture = PackagedAppIT.class.getResourceAsStream(SQS_EVENT)) {
            event = new String(fixture.readAllBytes(), StandardCharsets.UTF_8);
        }
        HttpResponse<String> answer = send(HttpRequest.newBuilder(base.resolve("/events/sqs"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("x-amzn-lambda-context", lambdaContext(UUID.randomUUID().toString(), Instant.now().plusSeconds(20)))
                .POST(HttpRequest.BodyPublishers.ofString(event))
                .build());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode failures = JSON.readTree(answer.body()).path("batchItemFailures");
        assertThat(failures.findValuesAsText("itemIdentifier")).containsExactlyInAnyOrderElementsOf(SQS_FAILED_MESSAGES);
    }

    @Test
    @Order(5)
    void migrateEventOnThePassThroughPathAnswersTheSchemaVersion() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(base.resolve("/events/migrate"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"migrate\"}"))
                .build());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode status = JSON.readTree(answer.body());
        assertThat(status.path("schemaVersion").asText()).isEqualTo(MigrateResourceTest.CURRENT_VERSION);
        assertThat(status.path("pending").asInt()).isZero();
    }

    @Test
    @Order(6)
    void sigtermLetsTheRequestInFlightFinishRefusesNewOnesAndExitsCleanly() throws Exception {
        long id = createUser();
        upstreams.upstream("billing", UpstreamStandIn.Behaviour.healthy().after(IN_FLIGHT_AT_SIGTERM));
        CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(
                HttpRequest.newBuilder(base.resolve("/users/" + id + "/profile")).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> upstreams.inFlight() > 0);

        app.destroy(); // SIGTERM, as Lambda sends at shutdown

        // A request that arrives after the signal is refused at once (until the listener closes).
        await().atMost(IN_FLIGHT_AT_SIGTERM).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            HttpResponse<String> late = send(HttpRequest.newBuilder(base.resolve("/users/" + id))
                    .timeout(Duration.ofSeconds(5)).GET().build());
            assertThat(late.statusCode()).as(late.body()).isEqualTo(503);
            assertThat(late.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        });
        assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).as("the request in flight at the signal").isEqualTo(200);
        assertThat(app.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).as("stopped within %s", STOP).isTrue();
        assertThat(app.exitValue()).as("exit status; log in %s", LOG).isZero();
    }

    private static long createUser() throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(base.resolve("/users"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"it-" + UUID.randomUUID() + "@example.com\",\"displayName\":\"Profile\",\"plan\":\"free\"}"))
                .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("id").asLong();
    }

    /** A request as the adapter forwards an API Gateway (HTTP API, payload 2.0) invocation. */
    private static HttpRequest.Builder adapterRequest(String method, String path, String requestId, Instant deadline)
            throws IOException {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("x-amzn-lambda-context", lambdaContext(requestId, deadline))
                .header("x-amzn-request-context", requestContext(method, path));
    }

    /** The adapter's serialisation of the Rust runtime's invocation context. */
    private static String lambdaContext(String requestId, Instant deadline) throws IOException {
        return JSON.writeValueAsString(Map.of(
                "request_id", requestId,
                "deadline", deadline.toEpochMilli(),
                "invoked_function_arn", FUNCTION_ARN,
                "xray_trace_id", "Root=1-" + Long.toHexString(Instant.now().getEpochSecond()) + "-0123456789abcdef01234567",
                "env_config", Map.of("function_name", "fanout-dev-profile", "memory", 512, "version", "$LATEST",
                        "log_stream", "2026/01/01/[$LATEST]0123456789abcdef", "log_group", "/aws/lambda/fanout-dev-profile")));
    }

    /** API Gateway's request context (camelCase), as the adapter forwards it. */
    private static String requestContext(String method, String path) throws IOException {
        return JSON.writeValueAsString(Map.of(
                "accountId", "123456789012",
                "apiId", "abc123",
                "domainName", "abc123.execute-api.eu-west-1.amazonaws.com",
                "requestId", "gw-" + UUID.randomUUID(),
                "routeKey", method + " " + path.replaceAll("/\\d+", "/{id}"),
                "stage", "$default",
                "time", "01/Jan/2026:10:00:00 +0000",
                "timeEpoch", Instant.now().toEpochMilli(),
                "http", Map.of("method", method, "path", path, "protocol", "HTTP/1.1", "sourceIp", "203.0.113.7",
                        "userAgent", "curl/8.5.0")));
    }

    private static void assertRequestIdLogged(String requestId) throws IOException, InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.readString(LOG).contains(requestId) && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(LOG)).as("the application's log (%s) names the request id", LOG).contains(requestId);
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Polls readiness as the adapter does, until 200, the process dies, or the start-up time runs out. */
    private static void awaitReady() throws Exception {
        long until = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < until) {
            if (!app.isAlive()) {
                throw new AssertionError("the application exited with " + app.exitValue() + " before it was ready:\n" + logTail());
            }
            try {
                if (send(get("/q/health/ready")).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the adapter retries too
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not ready within " + STARTUP + ":\n" + logTail());
    }

    private static String logTail() throws IOException {
        List<String> lines = Files.readAllLines(LOG);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
