package dev.fanout.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.fanout.support.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** As on Lambda: EMF on, one flush per invocation (one HTTP request under the Web Adapter). */
@QuarkusTest
@TestProfile(EmfPublisherTest.OnLambda.class)
class EmfPublisherTest {

    private static final int INVOCATIONS = 5;

    public static class OnLambda implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fanout.metrics.emf.enabled", "true", "fanout.metrics.emf.function", "users");
        }
    }

    @Inject
    EmfPublisher publisher;

    @Test
    void exactlyOneFlushPerInvocationAndNoneForReadinessPolls() {
        assertThat(publisher.enabled()).isTrue();
        long before = publisher.flushes();

        for (int i = 0; i < INVOCATIONS; i++) {
            TestUsers.create();
        }
        given().get("/q/health/ready").then().statusCode(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.flushes() >= before + INVOCATIONS);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> publisher.flushes() == before + INVOCATIONS);
    }

    @Test
    void theInvocationsOwnFlushTakesItsRequestMeter() {
        long before = publisher.flushes();

        TestUsers.create();

        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.flushes() == before + 1);
        assertThat(publisher.flush()).as("the request's timer went out with its own flush, not a later one")
                .noneMatch(document -> document.containsKey("http.server.requests"));
    }
}
