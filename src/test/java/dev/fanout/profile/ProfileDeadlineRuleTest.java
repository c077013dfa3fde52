package dev.fanout.profile;

import static dev.fanout.local.UpstreamStandIn.Behaviour.hang;
import static dev.fanout.local.UpstreamStandIn.Behaviour.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.Burst;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.ProfileWarmUp;
import dev.fanout.support.TestUsers;
import dev.fanout.support.UpstreamStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The contract's deadline rule under concurrency: when the deadline passes while only
 * optional parts are pending, those parts are degraded and the answer is 200; a 504 means
 * a required part was still missing. No timer race may turn the first into the second, so
 * each case fires 64 profiles at once, with deadlines landing before, at and after the
 * optional parts' own timeouts, through the header and through Lambda's context.
 */
@QuarkusTest
@TestProfile(ProfileDeadlineRuleTest.RoomForRequiredParts.class)
@QuarkusTestResource(UpstreamStandInResource.class)
class ProfileDeadlineRuleTest {

    /**
     * Optional timeouts longer than the defaults, so that deadlines landing before them still
     * leave the required parts (a warm database read, a healthy billing) time to answer when
     * 64 profiles arrive at once on a shared two-core machine. The rule under test is the same.
     */
    public static class RoomForRequiredParts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fanout.request.max-deadline", "PT5S",
                    "fanout.profile.recommendations.timeout", "PT2S",
                    "fanout.profile.orders.timeout", "PT3S");
        }
    }

    private static final int CLIENTS = 64;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "fanout.profile.recommendations.timeout")
    Duration recommendationsTimeout;

    @ConfigProperty(name = "fanout.profile.orders.timeout")
    Duration ordersTimeout;

    @ConfigProperty(name = "fanout.request.safety-margin")
    Duration safetyMargin;

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    private final ObjectMapper json = new ObjectMapper();
    private long userId;
    private static boolean warm;

    @BeforeEach
    void optionalPartsThatNeverAnswerInTime() {
        ProfileWarmUp.once(upstreams);
        upstreams.reset();
        userId = TestUsers.create();
        warmUpConcurrently();
        upstreams.upstream("orders", hang());
        upstreams.upstream("recommendations", hang());
    }

    @Test
    void aRequestTimeoutBeforeAtOrAfterTheOptionalTimeoutsDegradesEveryAnswer() {
        for (Duration deadline : deadlinesAroundTheOptionalTimeouts()) {
            String header = Long.toString(deadline.plus(safetyMargin).toMillis());

            List<HttpResponse<String>> answers = fire(() -> request().header("Request-Timeout", header));

            assertAllDegraded(answers, "Request-Timeout: " + header);
        }
    }

    @Test
    void aLambdaDeadlineBeforeAtOrAfterTheOptionalTimeoutsDegradesEveryAnswer() {
        for (Duration deadline : deadlinesAroundTheOptionalTimeouts()) {
            long ahead = deadline.plus(safetyMargin).toMillis();

            // Each request's context is made as it is sent, as the adapter does per invocation.
            List<HttpResponse<String>> answers = fire(() -> request().header("x-amzn-lambda-context", lambdaContext(ahead)));

            assertAllDegraded(answers, "Lambda deadline " + ahead + " ms ahead");
        }
    }

    /**
     * The case of the issue (orders failing, recommendations hanging, a Lambda deadline ahead
     * of recommendations' timeout; there 400 ms, here as far before this profile's timeout).
     */
    @Test
    void failingOrdersAndHangingRecommendationsUnderALambdaDeadlineAnswer200() {
        upstreams.upstream("orders", status(500));
        long ahead = recommendationsTimeout.toMillis() - 100;

        List<HttpResponse<String>> answers = fire(() -> request().header("x-amzn-lambda-context", lambdaContext(ahead)));

        assertAllDegraded(answers, "orders 500, recommendations hanging, Lambda deadline " + ahead + " ms ahead");
    }

    @Test
    void aRequiredPartStillMissingAtTheDeadlineIs504() {
        upstreams.upstream("billing", hang());
        String header = Long.toString(recommendationsTimeout.toMillis());

        List<HttpResponse<String>> byHeader = fire(() -> request().header("Request-Timeout", header));
        List<HttpResponse<String>> byLambda = fire(() -> request().header("x-amzn-lambda-context",
                lambdaContext(recommendationsTimeout.toMillis())));

        assertThat(byHeader).extracting(HttpResponse::statusCode).containsOnly(504);
        assertThat(byLambda).extracting(HttpResponse::statusCode).containsOnly(504);
        assertThat(byHeader.get(0).body()).contains("billing");
    }

    /** The first bursts of a fresh application pay class loading and new connections; this test is not about them. */
    private void warmUpConcurrently() {
        if (warm) {
            return;
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> fire(this::request).stream()
                .allMatch(answer -> answer.statusCode() == 200 && answer.headers().firstValue("X-Degraded").isEmpty()));
        warm = true;
    }

    /** Before, at and after the optional parts' own timeouts (the deadline the fan-out sees). */
    private List<Duration> deadlinesAroundTheOptionalTimeouts() {
        return List.of(recommendationsTimeout.minusMillis(100), recommendationsTimeout, ordersTimeout,
                ordersTimeout.plusMillis(100));
    }

    private void assertAllDegraded(List<HttpResponse<String>> answers, String situation) {
        assertThat(answers).as(situation + ": " + Burst.problemsOf(answers)).extracting(HttpResponse::statusCode)
                .containsOnly(200);
        for (HttpResponse<String> answer : answers) {
            JsonNode profile = read(answer.body());
            assertThat(profile.path("user").path("id").asLong()).isEqualTo(userId);
            assertThat(profile.path("billing").isObject()).isTrue();
            assertThat(profile.path("orders").isNull()).isTrue();
            assertThat(profile.path("recommendations").isNull()).isTrue();
            assertThat(profile.path("degraded")).extracting(JsonNode::asText)
                    .containsExactlyInAnyOrder("orders", "recommendations");
            assertThat(answer.headers().firstValue("X-Degraded")).hasValue("orders,recommendations");
        }
    }

    private HttpRequest.Builder request() {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/users/" + userId + "/profile"))
                .timeout(ANSWER_WITHIN).GET();
    }

    private List<HttpResponse<String>> fire(Supplier<HttpRequest.Builder> request) {
        return Burst.of(CLIENTS, () -> request.get().build());
    }

    private static String lambdaContext(long millisAhead) {
        return "{\"request_id\":\"req-deadline\",\"deadline\":" + (System.currentTimeMillis() + millisAhead)
                + ",\"invoked_function_arn\":\"arn:aws:lambda:eu-west-1:123456789012:function:profile\","
                + "\"env_config\":{\"function_name\":\"profile\",\"memory\":512,\"version\":\"$LATEST\"}}";
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

}
