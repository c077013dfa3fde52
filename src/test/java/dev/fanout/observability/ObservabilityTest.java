package dev.fanout.observability;

import static dev.fanout.local.UpstreamStandIn.Behaviour.healthy;
import static dev.fanout.local.UpstreamStandIn.Behaviour.status;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.profile.ProfileMeters;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.ProfileWarmUp;
import dev.fanout.support.TestUsers;
import dev.fanout.support.UpstreamStandInResource;
import dev.fanout.upstream.UpstreamMeters;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(UpstreamStandInResource.class)
class ObservabilityTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    private static final Pattern RAW_ID_OR_URL = Pattern.compile(".*(/\\d+|https?://).*");
    private static final Path TEST_LOG = Path.of("target", "quarkus-test.log");

    @Inject
    MeterRegistry meters;

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    private long userId;

    @BeforeEach
    void healthyUpstreams() {
        ProfileWarmUp.once(upstreams);
        upstreams.reset();
        userId = TestUsers.create();
    }

    @Test
    void scriptedTrafficLeavesTheRightCountsAndTags() {
        double billingSuccess = upstreamCalls("billing", "success");
        double recommendationsErrors = upstreamCalls("recommendations", "error");
        double ordersCancelled = upstreamCalls("orders", "cancelled");
        double ordersErrors = upstreamCalls("orders", "error");
        double degradedRecommendations = degraded("recommendations");
        double profile200 = serverRequests("/users/{id}/profile", "200");
        double profile502 = serverRequests("/users/{id}/profile", "502");

        profile().then().statusCode(200);                                  // success
        upstreams.upstream("recommendations", status(500));
        profile().then().statusCode(200);                                  // degraded
        upstreams.reset();
        upstreams.upstream("billing", status(500).after(Duration.ofMillis(50)));
        upstreams.upstream("orders", healthy().after(Duration.ofSeconds(2)));
        profile().then().statusCode(502);                                  // failed: orders cancelled

        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(upstreamCalls("orders", "cancelled")).isEqualTo(ordersCancelled + 1);
            assertThat(serverRequests("/users/{id}/profile", "502")).isEqualTo(profile502 + 1);
        });
        assertThat(upstreamCalls("orders", "error")).as("a cancelled call is not an error").isEqualTo(ordersErrors);
        assertThat(upstreamCalls("billing", "success")).isEqualTo(billingSuccess + 2);
        assertThat(upstreamCalls("recommendations", "error")).isEqualTo(recommendationsErrors + 1);
        assertThat(degraded("recommendations")).isEqualTo(degradedRecommendations + 1);
        assertThat(serverRequests("/users/{id}/profile", "200")).isEqualTo(profile200 + 2);
    }

    @Test
    void noTagHoldsARawIdOrUrl() {
        given().get("/users/" + userId).then().statusCode(200);
        given().get("/users/987654321").then().statusCode(404);
        given().get("/no/such/route/12345").then().statusCode(404);
        profile().then().statusCode(200);

        for (Meter meter : meters.getMeters()) {
            for (Tag tag : meter.getId().getTagsAsIterable()) {
                assertThat(tag.getValue()).as("%s tag %s", meter.getId().getName(), tag.getKey())
                        .doesNotMatch(RAW_ID_OR_URL);
            }
        }
    }

    @Test
    void theDatabasePoolHasGauges() {
        profile().then().statusCode(200);

        assertThat(meters.getMeters()).extracting(meter -> meter.getId().getName())
                .contains("postgresql.current", "postgresql.queue.size", "postgresql.processing");
    }

    @Test
    void traceparentReachesEveryUpstream() {
        profile().then().statusCode(200);

        for (String upstream : new String[] { "billing", "orders", "recommendations" }) {
            assertThat(upstreams.exchanges(upstream)).singleElement()
                    .satisfies(exchange -> assertThat(exchange.traceparent).matches(TRACEPARENT));
        }
    }

    /** Each call's request is in the caller's trace, as a child of that call's own span: one span per call. */
    @Test
    void eachUpstreamRequestCarriesTheCallersTraceAndItsCallsOwnSpan() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpanId = "00f067aa0ba902b7";
        given().header("traceparent", "00-" + traceId + "-" + callerSpanId + "-00")
                .get("/users/" + userId + "/profile").then().statusCode(200);

        List<String> parentSpanIds = Stream.of("billing", "orders", "recommendations")
                .map(upstream -> upstreams.exchanges(upstream).get(0).traceparent.split("-"))
                .peek(traceparent -> assertThat(traceparent[1]).as("the caller's trace id").isEqualTo(traceId))
                .map(traceparent -> traceparent[2])
                .toList();
        assertThat(parentSpanIds).as("each call's own span, neither the caller's nor a sibling's")
                .doesNotContain(callerSpanId).doesNotHaveDuplicates();
    }

    /**
     * No OTLP endpoint is set here: spans keep their ids but are not sampled, so nothing is
     * exported (to Quarkus's default localhost:4317, where nothing listens). TracingIT sets one.
     */
    @Test
    void withoutAnOtlpEndpointSpansAreNotSampledSoNothingIsExported() {
        profile().then().statusCode(200);

        assertThat(upstreams.exchanges("billing")).singleElement()
                .satisfies(exchange -> assertThat(exchange.traceparent).matches(TRACEPARENT).endsWith("-00"));
    }

    @Test
    void logLinesCarryTheLambdaAndApiRequestIds() throws IOException {
        String lambdaRequestId = "lambda-" + UUID.randomUUID();
        String apiRequestId = "api-" + UUID.randomUUID();
        upstreams.upstream("billing", status(500)); // a 502 is logged, with the request's ids

        given().header("x-amzn-lambda-context", "{\"request_id\":\"" + lambdaRequestId
                        + "\",\"deadline\":0,\"env_config\":{\"function_name\":\"profile\"}}")
                .header("x-amzn-request-context", "{\"requestId\":\"" + apiRequestId + "\",\"routeKey\":\"GET /users/{id}/profile\"}")
                .get("/users/" + userId + "/profile").then().statusCode(502);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readAllLines(TEST_LOG))
                .anySatisfy(line -> assertThat(line).contains(lambdaRequestId).contains(apiRequestId)
                        .contains("functionName=profile").contains("traceId=")));
    }

    private io.restassured.response.Response profile() {
        return given().get("/users/" + userId + "/profile");
    }

    private double upstreamCalls(String upstream, String outcome) {
        var timer = meters.find(UpstreamMeters.CALLS).tags("upstream", upstream, "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private double degraded(String part) {
        var counter = meters.find(ProfileMeters.DEGRADED).tag("part", part).counter();
        return counter == null ? 0 : counter.count();
    }

    private double serverRequests(String route, String status) {
        var timer = meters.find("http.server.requests").tags("uri", route, "status", status).timer();
        return timer == null ? 0 : timer.count();
    }
}
