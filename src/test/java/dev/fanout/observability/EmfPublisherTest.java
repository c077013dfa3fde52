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
    private static final String REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";
    private static final String XRAY_TRACE_ID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

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

    @Test
    void eachInvocationsDocumentsCarryItsRequestAndTraceIds() {
        long created = publisher.flushes();
        long id = TestUsers.create();
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.flushes() == created + 1);
        long before = publisher.flushes();

        given().header("x-amzn-lambda-context", "{\"request_id\":\"" + REQUEST_ID + "\",\"deadline\":"
                        + (System.currentTimeMillis() + 10_000) + ",\"xray_trace_id\":\"" + XRAY_TRACE_ID + "\"}")
                .get("/users/" + id).then().statusCode(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.flushes() == before + 1);
        assertThat(publisher.lastFlushed()).isNotEmpty().allSatisfy(document -> {
            assertThat(document).containsEntry("function_request_id", REQUEST_ID).containsEntry("xray_trace_id", XRAY_TRACE_ID);
            assertThat(document.get("trace_id")).asString().matches("[0-9a-f]{32}");
        });
    }

    @Test
    void coldStartOnAnInstancesFirstInvocationOnlyAndAgainAfterARestore() {
        publisher.afterRestore(); // this test's instance has served others' invocations: start it cold again
        long before = publisher.flushes();

        TestUsers.create();
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.flushes() == before + 1);
        assertThat(publisher.lastFlushed()).filteredOn(document -> document.containsKey("ColdStart")).singleElement()
                .satisfies(document -> assertThat(document).containsEntry("ColdStart", 1.0).containsEntry("function", "users"));

        TestUsers.create();
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.flushes() == before + 2);
        assertThat(publisher.lastFlushed()).noneMatch(document -> document.containsKey("ColdStart"));
    }
}
