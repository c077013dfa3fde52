package dev.fanout.local;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.fanout.support.ProblemAssertions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@TestProfile(UpstreamSimulatorsTest.SimulatorsWithKnobs.class)
class UpstreamSimulatorsTest {

    private static final Duration BILLING_LATENCY = Duration.ofMillis(300);
    private static final Duration RECOMMENDATIONS_LATENCY = Duration.ofMillis(20);
    private static final Duration RECOMMENDATIONS_DRIP = Duration.ofMillis(3);
    private static final long USER_ID = 42;
    private static final long ANOTHER_USER_ID = 7;
    private static final String BASE = "/_dev/upstreams";

    /** Fast upstreams except for the ones whose knobs are under test: billing's latency, recommendations' SLOW mode (a quick drip). */
    public static class SimulatorsWithKnobs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("fanout.simulators.enabled", "true"),
                    Map.entry("fanout.simulators.billing.latency", BILLING_LATENCY.toMillis() + "ms"),
                    Map.entry("fanout.simulators.billing.jitter", "0ms"),
                    Map.entry("fanout.simulators.orders.latency", "0ms"),
                    Map.entry("fanout.simulators.orders.jitter", "0ms"),
                    Map.entry("fanout.simulators.recommendations.latency", RECOMMENDATIONS_LATENCY.toMillis() + "ms"),
                    Map.entry("fanout.simulators.recommendations.jitter", "0ms"),
                    Map.entry("fanout.simulators.recommendations.failure-rate", "1.0"),
                    Map.entry("fanout.simulators.recommendations.failure-mode", "slow"),
                    Map.entry("fanout.simulators.recommendations.drip", RECOMMENDATIONS_DRIP.toMillis() + "ms"),
                    Map.entry("fanout.simulators.directory.latency", "0ms"),
                    Map.entry("fanout.simulators.directory.jitter", "0ms"));
        }
    }

    @Test
    void billingAnswersAnAccountInTheContractShape() {
        JsonPath account = getJson(BASE + "/billing/accounts/" + USER_ID);

        assertThat(account.getLong("userId")).isEqualTo(USER_ID);
        assertThat(account.getString("balance")).matches("\\d+\\.\\d{2}");
        assertThat(account.getString("currency")).isEqualTo("EUR");
        assertThat(account.getString("status")).isIn("active", "past_due");
    }

    @Test
    void ordersAnswerAtMostFiveOrdersNewestFirstInTheContractShape() {
        boolean someoneHasOrders = false;
        for (long userId : LongStream.rangeClosed(1, 20).toArray()) {
            List<Map<String, Object>> orders = getJson(BASE + "/orders/users/" + userId + "/orders?limit=5").getList("$");
            assertThat(orders).hasSizeLessThanOrEqualTo(5);
            orders.forEach(UpstreamSimulatorsTest::assertOrderShape);
            assertThat(orders).map(order -> Instant.parse((String) order.get("placedAt")))
                    .isSortedAccordingTo(Comparator.reverseOrder());
            someoneHasOrders |= !orders.isEmpty();
        }
        assertThat(someoneHasOrders).as("some of twenty users have orders").isTrue();
    }

    @Test
    void ordersLimitAnswersAPrefixOfTheSameOrders() {
        long userWithOrders = LongStream.rangeClosed(1, 100)
                .filter(userId -> getJson(BASE + "/orders/users/" + userId + "/orders?limit=5").getList("$").size() >= 2)
                .findFirst().orElseThrow();

        List<Object> all = getJson(BASE + "/orders/users/" + userWithOrders + "/orders?limit=5").getList("$");
        List<Object> one = getJson(BASE + "/orders/users/" + userWithOrders + "/orders?limit=1").getList("$");

        assertThat(one).containsExactly(all.get(0));
    }

    @Test
    void recommendationsAnswerThreeScoredSkusBestFirstInTheContractShape() {
        List<Map<String, Object>> recommendations = getJson(BASE + "/recommendations/users/" + USER_ID + "/recommendations")
                .getList("$");

        assertThat(recommendations).hasSize(3).allSatisfy(recommendation -> {
            assertThat((String) recommendation.get("sku")).matches("sku-\\d+");
            assertThat(((Number) recommendation.get("score")).doubleValue()).isStrictlyBetween(0.0, 1.0);
        });
        assertThat(recommendations).map(recommendation -> ((Number) recommendation.get("score")).doubleValue())
                .isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void directoryAnswersAPersonInTheContractShape() {
        JsonPath person = getJson(BASE + "/directory/people/" + USER_ID);

        assertThat(person.getLong("id")).isEqualTo(USER_ID);
        assertThat(person.getString("email")).endsWith("." + USER_ID + "@example.com");
        assertThat(person.getString("displayName")).isNotBlank();
        assertThat(person.getString("plan")).isIn("free", "pro", "team");
    }

    @Test
    void theSameUserIdGetsTheSameDataFromEveryUpstream() {
        for (String path : List.of("/billing/accounts/%d", "/orders/users/%d/orders?limit=5",
                "/recommendations/users/%d/recommendations", "/directory/people/%d")) {
            String first = getBody(BASE + path.formatted(USER_ID));
            String again = getBody(BASE + path.formatted(USER_ID));
            String otherUser = getBody(BASE + path.formatted(ANOTHER_USER_ID));

            assertThat(again).as(path).isEqualTo(first);
            assertThat(otherUser).as(path).isNotEqualTo(first);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-1", "1.5", "99999999999999999999"})
    void aUserIdThatIsNotAPositiveIntegerIsABadRequest(String badId) {
        for (String path : List.of("/billing/accounts/%s", "/orders/users/%s/orders",
                "/recommendations/users/%s/recommendations", "/directory/people/%s")) {
            ProblemAssertions.assertProblem(given().get(BASE + path.formatted(badId)).then(), 400);
        }
    }

    @Test
    void directoryAnswersNotFoundAboveItsLargestId() {
        ProblemAssertions.assertProblem(given().get(BASE + "/directory/people/1000001").then(), 404);
        given().get(BASE + "/directory/people/1000000").then().statusCode(200);
    }

    @Test
    void latencyKnobDelaysTheAnswerByAtLeastTheConfiguredLatency() {
        Duration took = timed(() -> getBody(BASE + "/billing/accounts/" + USER_ID));

        assertThat(took).isGreaterThanOrEqualTo(BILLING_LATENCY);
    }

    @Test
    void slowFailureModeAnswersCorrectlyButDripsTheBodyAByteAtATime() {
        long start = System.nanoTime();
        String body = getBody(BASE + "/recommendations/users/" + USER_ID + "/recommendations");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(new JsonPath(body).getList("$")).hasSize(3);
        assertThat(took).isGreaterThanOrEqualTo(RECOMMENDATIONS_LATENCY.plus(RECOMMENDATIONS_DRIP.multipliedBy(body.length())));
    }

    @Test
    void anUpstreamCanBeBrokenWhileDevModeRuns() {
        try {
            given().body("{\"mode\":\"error\",\"status\":503}").post(BASE + "/_control/directory").then().statusCode(204);

            ProblemAssertions.assertProblem(given().get(BASE + "/directory/people/" + USER_ID).then(), 503);
        } finally {
            given().post(BASE + "/_control/reset").then().statusCode(204);
        }
        given().get(BASE + "/directory/people/" + USER_ID).then().statusCode(200);
    }

    private static void assertOrderShape(Map<String, Object> order) {
        assertThat((String) order.get("id")).startsWith("o-");
        assertThat((String) order.get("total")).matches("\\d+\\.\\d{2}");
        assertThat(order.get("currency")).isEqualTo("EUR");
        assertThat(Instant.parse((String) order.get("placedAt"))).isBefore(Instant.parse("2026-01-01T10:00:01Z"));
    }

    private static JsonPath getJson(String path) {
        return given().get(path).then().statusCode(200).contentType("application/json").extract().jsonPath();
    }

    private static String getBody(String path) {
        return given().get(path).then().statusCode(200).extract().asString();
    }

    private static Duration timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
