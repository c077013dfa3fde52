package dev.fanout.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.UpstreamUrls;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged application in the shape Lambda gives it, as its own process: started
 * the way the Web Adapter starts it and polled on the adapter's readiness path
 * ({@value #READINESS}, as infra/locals.tf sets it), while the database is away; and
 * frozen between invocations (SIGSTOP/SIGCONT, which is what the sandbox's freeze is to
 * the process) while PostgreSQL drops every connection it holds.
 */
class LambdaLifecycleIT {

    static final String READINESS = "/q/health/started";
    private static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Path POSTGRES_DIR = Path.of("target", "lambda-lifecycle-it-postgres");
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** What the issue asks of a request during an outage: a 503, within a second. */
    private static final Duration OUTAGE_ANSWER = Duration.ofSeconds(1);
    /** Longer than fanout.database.validate-after-idle (1 s): a freeze as Lambda's between invocations. */
    private static final Duration FROZEN = Duration.ofMillis(1500);
    private static final int THAWS = 3;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<AutoCloseable> started = new ArrayList<>();
    private Process app;
    private Path log;
    private URI base;

    @AfterEach
    void stopEverything() throws Exception {
        if (app != null && app.isAlive()) {
            signal("CONT");
            app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable resource : started) {
            resource.close();
        }
    }

    @Test
    void coldStartDuringADatabaseOutageBecomesReadyAndAnswers503Fast() throws Exception {
        int nothingListens = freePort();
        launch("outage", "127.0.0.1:" + nothingListens + "/postgres", false, null);

        awaitReady();
        assertThat(JSON.readTree(send(get(READINESS)).body()).path("checks").findValuesAsText("name")).contains("fanout-init");
        assertThat(send(get("/q/health/ready")).statusCode()).as("readiness still checks the database").isEqualTo(503);

        long start = System.nanoTime();
        HttpResponse<String> user = send(get("/users/1"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(user.statusCode()).as(user.body()).isEqualTo(503);
        assertThat(user.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(took).as("the first request of a cold start during the outage").isLessThan(OUTAGE_ANSWER);
    }

    @Test
    void firstInvocationsAfterThawsDuringWhichTheDatabaseDroppedEveryConnectionSucceed() throws Exception {
        Files.createDirectories(POSTGRES_DIR);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(POSTGRES_DIR.toAbsolutePath().toFile())
                .setPGStartupWait(STARTUP)
                .start();
        started.add(postgres);
        UpstreamStandIn upstreams = UpstreamStandIn.start();
        started.add(upstreams);
        launch("thaw", "localhost:" + postgres.getPort() + "/postgres", true, upstreams);
        awaitReady();
        long id = createUser();
        warmUp("/users/" + id + "/profile"); // the pool holds connections now

        for (int thaw = 1; thaw <= THAWS; thaw++) {
            signal("STOP");
            int dropped = terminateTheAppsConnections(postgres);
            assertThat(dropped).as("connections the database dropped during freeze %d", thaw).isPositive();
            // The invocation arrives while the process is still frozen, as Lambda delivers it
            // at the thaw: the request and the closed connections are there together.
            CompletableFuture<HttpResponse<String>> profile = sendAsync(get("/users/" + id + "/profile"));
            CompletableFuture<HttpResponse<String>> user = sendAsync(get("/users/" + id));
            Thread.sleep(FROZEN.toMillis());
            signal("CONT");

            assertThat(profile.get(10, TimeUnit.SECONDS).statusCode()).as("profile after thaw %d: %s", thaw,
                    profile.get().body()).isEqualTo(200);
            assertThat(user.get(10, TimeUnit.SECONDS).statusCode()).as("user after thaw %d: %s", thaw,
                    user.get().body()).isEqualTo(200);
        }
        assertThat(Files.readString(log)).as("the app's log, %s", log).contains("failed their ping after an idle spell");
    }

    private void launch(String name, String database, boolean migrate, UpstreamStandIn upstreams) throws IOException {
        assertThat(APP).as("the packaged application; run ./mvnw verify, which packages before the ITs").exists();
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port);
        log = Path.of("target", "lambda-lifecycle-it-" + name + ".log");
        ProcessBuilder launch = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", APP.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = launch.environment();
        env.keySet().removeIf(key -> key.startsWith("QUARKUS_") || key.startsWith("AWS_") || key.startsWith("FANOUT_"));
        env.put("AWS_LAMBDA_FUNCTION_NAME", "fanout-it-" + name); // as Lambda sets it: the idle check is on
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + database);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + database);
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("QUARKUS_FLYWAY_MIGRATE_AT_START", Boolean.toString(migrate));
        for (String upstream : UpstreamStandIn.UPSTREAMS) {
            env.put(UpstreamUrls.environmentVariable(upstream),
                    upstreams == null ? "http://127.0.0.1:" + freePort() : upstreams.url(upstream));
        }
        app = launch.start();
    }

    /** Every connection the app holds, ended by the server as an administrator (or RDS Proxy's idle timeout) would. */
    private static int terminateTheAppsConnections(EmbeddedPostgres postgres) throws Exception {
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
                Statement statement = admin.createStatement();
                ResultSet ended = statement.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                        + "FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            ended.next();
            return ended.getInt(1);
        }
    }

    /** A fresh JVM's first profile may miss its deadline on a busy machine; that is not what is tested here. */
    private void warmUp(String path) throws Exception {
        int status = 0;
        for (int attempt = 0; attempt < 10 && status != 200; attempt++) {
            status = send(get(path)).statusCode();
        }
        assertThat(status).as("%s while warming up", path).isEqualTo(200);
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(app.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", signal).isTrue();
    }

    private long createUser() throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(base.resolve("/users"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"thaw-" + UUID.randomUUID() + "@example.com\",\"displayName\":\"Thaw\",\"plan\":\"pro\"}"))
                .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("id").asLong();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("x-amzn-lambda-context", "{\"request_id\":\"" + UUID.randomUUID() + "\",\"deadline\":"
                        + Instant.now().plusSeconds(10).toEpochMilli() + "}")
                .GET().build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Polls the adapter's readiness path until 200, the process dies, or the start-up time runs out. */
    private void awaitReady() throws Exception {
        long until = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < until) {
            if (!app.isAlive()) {
                throw new AssertionError("the application exited with " + app.exitValue() + " before it was ready:\n" + logTail());
            }
            try {
                if (send(get(READINESS)).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the adapter retries too
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready on " + READINESS + " within " + STARTUP + ":\n" + logTail());
    }

    private String logTail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
