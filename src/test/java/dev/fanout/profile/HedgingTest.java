package dev.fanout.profile;

import static dev.fanout.local.UpstreamStandIn.Behaviour.hang;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.Burst;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.TestUsers;
import dev.fanout.support.UpstreamStandInResource;
import dev.fanout.upstream.UpstreamMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Hedged calls to orders (on in this profile, off by default): a call that has not answered
 * after orders' recent p95 sends a second request, the first answer wins, the loser's
 * request is reset; and the budget keeps the extra requests to 5 % of calls.
 */
@QuarkusTest
@TestProfile(HedgingTest.OrdersHedged.class)
@QuarkusTestResource(UpstreamStandInResource.class)
class HedgingTest {

    /** Enough healthy calls for orders' p95 to be known (HedgePolicy.WARM_SAMPLES and some). */
    private static final int WARM_CALLS = 80;
    private static final int SLOW_BURST = 100;
    /** The token bucket's saved-up hedges (HedgePolicy.BURST). */
    private static final int BURST = 5;

    public static class OrdersHedged implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fanout.profile.orders.hedge.enabled", "true");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "fanout.profile.orders.hedge.budget")
    double budget;

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    @Inject
    MeterRegistry meters;

    private long userId;

    @BeforeEach
    void aUserAndAWarmP95() {
        upstreams.reset();
        userId = TestUsers.create();
        for (int i = 0; i < WARM_CALLS; i++) {
            given().get("/users/" + userId + "/profile").then().statusCode(200);
        }
        upstreams.reset();
    }

    @Test
    void aSlowOrdersCallIsHedgedTheSecondAnswerWinsAndTheFirstIsAborted() {
        String ordersPath = "/orders/users/" + userId + "/orders";
        upstreams.path(ordersPath, hang().times(1));
        double wonBefore = hedges("won");

        var profile = given().get("/users/" + userId + "/profile").then().statusCode(200).extract().jsonPath();

        assertThat(profile.getList("degraded")).as("the hedge answered in time").isEmpty();
        assertThat(profile.getList("orders")).isNotEmpty();
        List<UpstreamStandIn.Exchange> sent = upstreams.exchanges("orders");
        assertThat(sent).as("the first request and its hedge").hasSize(2);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(sent.get(0).aborted()).as("the loser's request is reset").isTrue());
        assertThat(hedges("won") - wonBefore).isEqualTo(1);
    }

    @Test
    void theBudgetKeepsHedgesToAFewPercentWhenOrdersIsSlowForEveryone() {
        upstreams.upstream("orders", hang());
        double before = sentHedges();

        URI profile = URI.create("http://localhost:" + port + "/users/" + userId + "/profile");
        List<HttpResponse<String>> answers = Burst.of(SLOW_BURST, () -> HttpRequest.newBuilder(profile).GET().build());

        // orders degrades; on a busy machine a required part of a burst this size may also run out of time
        assertThat(answers).extracting(HttpResponse::statusCode).isSubsetOf(200, 504);
        double sentHedges = sentHedges() - before;
        assertThat(sentHedges).as("hedges sent for " + SLOW_BURST + " slow calls")
                .isLessThanOrEqualTo(Math.floor(SLOW_BURST * budget) + BURST);
        assertThat(upstreams.exchanges("orders").size()).isLessThanOrEqualTo(SLOW_BURST + (int) sentHedges);
    }

    /** Every hedge that left: it won, lost, or got no answer before the call's time ran out (orders hangs here). */
    private double sentHedges() {
        return hedges("won") + hedges("lost") + hedges("unanswered");
    }

    private double hedges(String outcome) {
        var counter = meters.find(UpstreamMeters.HEDGES).tag("upstream", "orders").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
