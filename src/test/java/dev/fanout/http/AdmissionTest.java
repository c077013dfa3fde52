package dev.fanout.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.fanout.support.ProblemAssertions;
import dev.fanout.support.TestUsers;
import dev.fanout.local.UpstreamStandIn;
import dev.fanout.local.UpstreamStandIn.Behaviour;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.UpstreamStandInResource;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.Vertx;

/**
 * Shedding at the edge: while the event loops stay behind, or a pool's line stands, a new API
 * request is answered 503 with Retry-After before any work, health stays answered, and once
 * the overload ends the service is back to all-200. Both overloads are real: every loop kept
 * busy with short tasks queued back to back, as a flood of requests would keep it; and more
 * profiles at once than billing's one pooled connection serves, against a slow stub.
 */
@QuarkusTest
@TestProfile(AdmissionTest.SheddingOn.class)
@QuarkusTestResource(UpstreamStandInResource.class)
class AdmissionTest {

    /** Tasks queued per loop: a probe waits behind all of them, so the loops run this many slices behind. */
    private static final int QUEUED_SLICES = 5;
    private static final Duration SLICE = Duration.ofMillis(20);

    public static class SheddingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Lower than the loops' lag in this test (about QUEUED_SLICES x SLICE), well above an idle loop's.
            // One pooled connection per upstream: a few concurrent profiles make billing's line stand.
            return Map.of("fanout.http.admission.enabled", "true",
                    "fanout.http.admission.max-lag", "PT0.05S",
                    "fanout.http.admission.interval", "PT0.2S",
                    "fanout.http.admission.max-wait", "PT0.1S",
                    "fanout.upstream.connection-pool-size", "1");
        }
    }

    /** Profiles kept in flight at once against billing's one connection: each waits for the others. */
    private static final int CONCURRENT_PROFILES = 6;
    private static final Duration SLOW_BILLING = Duration.ofMillis(300);

    @Inject
    Vertx vertx;

    @InjectUpstreamStandIn
    UpstreamStandIn stub;

    @TestHTTPResource("/")
    URL root;

    @Test
    void behindEventLoopsShedNewRequestsWith503AndRetryAfterAndRecoverAfterwards() {
        long userId = TestUsers.create();
        AtomicBoolean overloaded = new AtomicBoolean(true);
        try {
            for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
                for (int i = 0; i < QUEUED_SLICES; i++) {
                    keepBusy(loop, overloaded);
                }
            }

            Response shed = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> given().get("/users/" + userId + "/profile"), answer -> answer.statusCode() == 503);

            ProblemAssertions.assertProblem(shed.then(), 503);
            assertThat(shed.header("Retry-After")).isEqualTo("1");
            assertThat(shed.jsonPath().getString("type")).endsWith("overloaded");
            given().get("/q/health/live").then().statusCode(200); // operations are never shed
        } finally {
            overloaded.set(false);
        }

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> IntStream.range(0, 20)
                .allMatch(i -> given().get("/users/" + userId + "/profile").statusCode() == 200));
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("fanout_http_shed_total\\{[^}]*reason=\"event-loop-lag\"[^}]*\\} [1-9]");
    }

    @Test
    void aStandingLineShedsNewRequestsWith503AndRetryAfterAndRecoverAfterwards() throws Exception {
        long userId = TestUsers.create();
        URI profile = root.toURI().resolve("/users/" + userId + "/profile");
        stub.upstream("billing", Behaviour.healthy().after(SLOW_BILLING));
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT_PROFILES);
        HttpClient client = HttpClient.newHttpClient();
        try {
            for (int i = 0; i < CONCURRENT_PROFILES; i++) {
                clients.execute(() -> {
                    while (loading.get()) {
                        try {
                            client.send(HttpRequest.newBuilder(profile).build(), HttpResponse.BodyHandlers.discarding());
                        } catch (IOException | InterruptedException e) {
                            return;
                        }
                    }
                });
            }

            Response shed = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> given().get("/users/" + userId + "/profile"), answer -> answer.statusCode() == 503);

            ProblemAssertions.assertProblem(shed.then(), 503);
            assertThat(shed.header("Retry-After")).isEqualTo("1");
            assertThat(shed.jsonPath().getString("type")).endsWith("overloaded");
            assertThat(shed.jsonPath().getString("detail")).contains("wait in line");
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            loading.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            stub.reset();
        }

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> IntStream.range(0, 20)
                .allMatch(i -> given().get("/users/" + userId + "/profile").statusCode() == 200));
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("fanout_http_shed_total\\{[^}]*reason=\"line-wait\"[^}]*\\} [1-9]");
    }

    /** One slice of work on the loop, queued again behind whatever else waits there, until told to stop. */
    private static void keepBusy(EventExecutor loop, AtomicBoolean overloaded) {
        loop.execute(() -> {
            if (!overloaded.get()) {
                return;
            }
            try {
                Thread.sleep(SLICE.toMillis()); // far below the blocked-thread checker's limit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            keepBusy(loop, overloaded);
        });
    }
}
