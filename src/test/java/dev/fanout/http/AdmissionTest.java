package dev.fanout.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.fanout.support.ProblemAssertions;
import dev.fanout.support.TestUsers;
import dev.fanout.support.UpstreamStandInResource;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.Vertx;

/**
 * Shedding at the edge: while the event loops stay behind, a new API request is answered
 * 503 with Retry-After before any work, health stays answered, and once the loops catch up
 * the service is back to all-200. The overload is real event-loop lag: every loop is kept
 * busy with short tasks queued back to back, as a flood of requests would keep it.
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
            return Map.of("fanout.http.admission.enabled", "true",
                    "fanout.http.admission.max-lag", "PT0.05S",
                    "fanout.http.admission.interval", "PT0.2S");
        }
    }

    @Inject
    Vertx vertx;

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
        assertThat(given().get("/q/metrics").asString()).containsPattern("fanout_http_shed_total(\\{[^}]*\\})? [1-9]");
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
