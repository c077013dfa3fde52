package dev.fanout.profile;

import static dev.fanout.support.ProblemAssertions.assertProblem;
import static dev.fanout.local.UpstreamStandIn.Behaviour.connectionReset;
import static dev.fanout.local.UpstreamStandIn.Behaviour.connectionResetOnce;
import static dev.fanout.local.UpstreamStandIn.Behaviour.hang;
import static dev.fanout.local.UpstreamStandIn.Behaviour.healthy;
import static dev.fanout.local.UpstreamStandIn.Behaviour.malformed;
import static dev.fanout.local.UpstreamStandIn.Behaviour.status;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import dev.fanout.local.UpstreamStandIn.Behaviour;
import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.ProfileWarmUp;
import dev.fanout.support.TestUsers;
import dev.fanout.support.UpstreamStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(UpstreamStandInResource.class)
class ProfileResourceTest {

    /** Generous: these are behavioural checks on a shared 2-core machine, not benchmarks. */
    private static final Duration MARGIN = Duration.ofMillis(450);
    private static final Duration UPSTREAM_DELAY = Duration.ofMillis(300);

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    /** The timeouts these tests reason with, as application.properties sets them. */
    @Inject
    ProfileConfig config;

    private long userId;

    @BeforeEach
    void healthyUpstreamsAndAFreshUser() {
        ProfileWarmUp.once(upstreams);
        upstreams.reset();
        userId = TestUsers.create();
    }

    @Test
    void allPartsFastAnswersTheFullProfileWithNothingDegraded() {
        ExtractableResponse<Response> answer = profile(Map.of()).then().statusCode(200).extract();

        assertThat(answer.header("X-Degraded")).isNull();
        assertThat(answer.jsonPath().getLong("user.id")).isEqualTo(userId);
        assertThat(answer.jsonPath().getString("billing.balance")).isEqualTo("12.50");
        assertThat(answer.jsonPath().getList("orders.id")).containsExactly("o-1");
        assertThat(answer.jsonPath().getList("recommendations.sku")).containsExactly("sku-1");
        assertThat(answer.jsonPath().getList("degraded")).isEmpty();
    }

    @Test
    void latencyIsTheSlowestPartsNotTheSum() {
        for (String upstream : List.of("billing", "orders", "recommendations")) {
            upstreams.upstream(upstream, healthy().after(UPSTREAM_DELAY));
        }

        long started = System.nanoTime();
        profile(Map.of()).then().statusCode(200);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isGreaterThanOrEqualTo(UPSTREAM_DELAY).isLessThan(UPSTREAM_DELAY.multipliedBy(2));
    }

    static List<Object[]> optionalFailures() {
        return List.of(
                new Object[] { "orders", "timeout", hang() },
                new Object[] { "orders", "HTTP 500", status(500) },
                new Object[] { "orders", "malformed JSON", malformed() },
                new Object[] { "orders", "connection reset", connectionReset() },
                new Object[] { "recommendations", "timeout", hang() },
                new Object[] { "recommendations", "HTTP 500", status(500) },
                new Object[] { "recommendations", "malformed JSON", malformed() },
                new Object[] { "recommendations", "connection reset", connectionReset() });
    }

    @ParameterizedTest(name = "{0} failing by {1} degrades instead of failing")
    @MethodSource("optionalFailures")
    void optionalUpstreamFailureDegradesInsteadOfFailing(String part, String failure, Behaviour behaviour) {
        upstreams.upstream(part, behaviour);

        long started = System.nanoTime();
        ExtractableResponse<Response> answer = profile(Map.of()).then().statusCode(200).extract();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.jsonPath().getList("degraded")).containsExactly(part);
        assertThat(answer.header("X-Degraded")).isEqualTo(part);
        assertThat(answer.jsonPath().getMap("")).containsKey(part);
        assertThat(answer.jsonPath().getList(part)).isNull();
        assertThat(answer.jsonPath().getLong("user.id")).isEqualTo(userId);
        assertThat(answer.jsonPath().getString("billing.status")).isEqualTo("active");
        assertThat(took).isLessThan(timeouts().get(part).plus(MARGIN));
    }

    @Test
    void bothOptionalPartsFailingNamesBoth() {
        upstreams.upstream("orders", status(503));
        upstreams.upstream("recommendations", connectionReset());

        ExtractableResponse<Response> answer = profile(Map.of()).then().statusCode(200).extract();

        assertThat(answer.jsonPath().getList("degraded")).containsExactlyInAnyOrder("orders", "recommendations");
        assertThat(answer.header("X-Degraded").split(",")).containsExactlyInAnyOrder("orders", "recommendations");
    }

    @Test
    void requiredBillingErrorIs502() {
        upstreams.upstream("billing", status(500));

        assertProblem(profile(Map.of()).then(), 502);
    }

    @Test
    void requiredBillingMalformedOrResetIs502() {
        upstreams.upstream("billing", malformed());
        assertProblem(profile(Map.of()).then(), 502);

        upstreams.upstream("billing", connectionReset());
        assertProblem(profile(Map.of()).then(), 502);
    }

    @Test
    void aConnectionClosedBeforeBillingAnsweredIsRetriedOnce() {
        upstreams.upstream("billing", connectionResetOnce());

        profile(Map.of()).then().statusCode(200);
        assertThat(upstreams.exchanges("billing")).as("the closed call and its one retry").hasSize(2);
    }

    @Test
    void requiredBillingHangIs504AtItsTimeout() {
        upstreams.upstream("billing", hang());

        long started = System.nanoTime();
        assertProblem(profile(Map.of()).then(), 504);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        Duration billingTimeout = timeouts().get("billing");
        assertThat(took).isGreaterThanOrEqualTo(billingTimeout).isLessThan(billingTimeout.plus(MARGIN));
    }

    @Test
    void unknownUserIs404WithoutWaitingForSlowUpstreams() {
        for (String upstream : List.of("billing", "orders", "recommendations")) {
            upstreams.upstream(upstream, healthy().after(Duration.ofSeconds(3)));
        }

        long started = System.nanoTime();
        assertProblem(given().get("/users/" + Long.MAX_VALUE + "/profile").then(), 404);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aFailingRequiredPartAbortsTheSiblingsInFlightRequests() {
        Duration slow = Duration.ofSeconds(3);
        upstreams.upstream("billing", status(500).after(Duration.ofMillis(100)));
        upstreams.upstream("orders", healthy().after(slow));
        upstreams.upstream("recommendations", healthy().after(slow));

        long started = System.nanoTime();
        assertProblem(profile(Map.of()).then(), 502);

        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(upstreams.exchanges("orders")).hasSize(1).allMatch(UpstreamStandIn.Exchange::aborted);
            assertThat(upstreams.exchanges("recommendations")).hasSize(1).allMatch(UpstreamStandIn.Exchange::aborted);
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("aborted before they would have answered").isLessThan(slow);
    }

    @Test
    void requestTimeoutHeaderGives504NearIt() {
        upstreams.upstream("billing", hang());

        long started = System.nanoTime();
        assertProblem(profile(Map.of("Request-Timeout", "200")).then(), 504);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofMillis(200).plus(MARGIN));
    }

    @Test
    void lambdaInvocationDeadlineGives504NearIt() {
        upstreams.upstream("billing", hang());
        long deadline = System.currentTimeMillis() + 300;
        String lambdaContext = "{\"request_id\":\"req-1\",\"deadline\":" + deadline
                + ",\"invoked_function_arn\":\"arn:aws:lambda:eu-west-1:123456789012:function:profile\","
                + "\"env_config\":{\"function_name\":\"profile\",\"memory\":1024,\"version\":\"$LATEST\"}}";

        long started = System.nanoTime();
        assertProblem(profile(Map.of("x-amzn-lambda-context", lambdaContext)).then(), 504);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(150)).isLessThan(Duration.ofMillis(300).plus(MARGIN));
    }

    @Test
    void eachUpstreamRequestCarriesTheTimeItsCallStillHas() {
        long header = 500;

        profile(Map.of("Request-Timeout", Long.toString(header))).then().statusCode(200);

        for (var upstream : timeouts().entrySet()) {
            long ceiling = Math.min(header, upstream.getValue().toMillis());
            assertThat(upstreams.exchanges(upstream.getKey())).singleElement()
                    .satisfies(exchange -> assertThat(Long.parseLong(exchange.requestTimeout))
                            .as(upstream.getKey() + "'s Request-Timeout").isPositive().isLessThan(ceiling));
        }
    }

    @Test
    void malformedRequestTimeoutIs400() {
        for (String value : List.of("abc", "-5", "0", "1.5", "99999999999")) {
            assertProblem(profile(Map.of("Request-Timeout", value)).then(), 400);
        }
    }

    @Test
    void nonNumericIdIs400() {
        assertProblem(given().get("/users/abc/profile").then(), 400);
    }

    private io.restassured.response.Response profile(Map<String, String> headers) {
        return given().headers(headers).when().get("/users/" + userId + "/profile");
    }

    private Map<String, Duration> timeouts() {
        return Map.of("billing", config.billing().timeout(), "orders", config.orders().timeout(),
                "recommendations", config.recommendations().timeout());
    }
}
