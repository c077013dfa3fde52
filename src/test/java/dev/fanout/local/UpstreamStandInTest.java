package dev.fanout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fanout.local.UpstreamStandIn.Behaviour;
import io.vertx.core.json.JsonObject;

/** The stand-in on its own port, as the tests, the bench and the fault harness run it. */
class UpstreamStandInTest {

    private static final Duration TAIL = Duration.ofMillis(300);
    private static final Duration DRIP = Duration.ofMillis(5);
    private static final int HANGING_CALLS = 3;

    private static UpstreamStandIn standIn;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        standIn = UpstreamStandIn.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @BeforeEach
    void healthy() {
        standIn.reset();
    }

    @Test
    void answersTheCannedBodiesOfTheContract() throws Exception {
        assertThat(get("/billing/accounts/7").body())
                .isEqualTo("{\"userId\":7,\"balance\":\"12.50\",\"currency\":\"EUR\",\"status\":\"active\"}");
        assertThat(get("/orders/users/7/orders?limit=5").body())
                .isEqualTo("[{\"id\":\"o-1\",\"total\":\"30.00\",\"currency\":\"EUR\",\"placedAt\":\"2026-01-01T10:00:00Z\"}]");
        assertThat(get("/recommendations/users/7/recommendations").body()).isEqualTo("[{\"sku\":\"sku-1\",\"score\":0.93}]");
        assertThat(get("/directory/people/7").body())
                .isEqualTo("{\"id\":7,\"email\":\"person-7@example.com\",\"displayName\":\"Person 7\",\"plan\":\"pro\"}");
    }

    @Test
    void answersBadIdsAndUnknownPeopleAsProblems() throws Exception {
        HttpResponse<String> badId = get("/billing/accounts/abc");
        HttpResponse<String> unknown = get("/directory/people/" + (UpstreamStandIn.DIRECTORY_MAX_ID + 1));

        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void theControlEndpointSetsOneUpstreamAndResetGoesBackToHealthy() throws Exception {
        assertThat(post("/_control/billing", "{\"mode\":\"error\",\"status\":503}").statusCode()).isEqualTo(204);
        assertThat(get("/billing/accounts/1").statusCode()).isEqualTo(503);
        assertThat(get("/orders/users/1/orders").statusCode()).isEqualTo(200);

        post("/_control/reset", "");

        assertThat(get("/billing/accounts/1").statusCode()).isEqualTo(200);
    }

    @Test
    void setReplacesEveryBehaviourAtOnce() throws Exception {
        standIn.upstream("orders", Behaviour.status(500));

        post("/_control/set", "{\"billing\":{\"mode\":\"malformed\"}}");

        HttpResponse<String> billing = get("/billing/accounts/1");
        assertThat(billing.statusCode()).isEqualTo(200);
        assertThat(billing.body()).doesNotEndWith("}");
        assertThat(get("/orders/users/1/orders").statusCode()).isEqualTo(200);
    }

    @Test
    void theStatsCountCallsInFlightPerUpstreamAndAtTheirPeak() throws Exception {
        standIn.upstream("billing", Behaviour.hang());
        List<CompletableFuture<HttpResponse<String>>> hanging = IntStream.range(0, HANGING_CALLS)
                .mapToObj(i -> client.sendAsync(request("/billing/accounts/" + i).build(), HttpResponse.BodyHandlers.ofString()))
                .toList();
        await().atMost(Duration.ofSeconds(5)).until(() -> standIn.inFlight("billing") == HANGING_CALLS);

        JsonObject stats = new JsonObject(get("/_control/stats").body());
        assertThat(stats.getJsonObject("byUpstream").getJsonObject("billing").getInteger("inFlight")).isEqualTo(HANGING_CALLS);
        assertThat(standIn.maxInFlight("billing")).isEqualTo(HANGING_CALLS);
        assertThat(standIn.inFlight("orders")).isZero();

        hanging.forEach(call -> call.cancel(true));
        standIn.upstream("billing", Behaviour.connectionReset());
        assertThatThrownBy(() -> get("/billing/accounts/1")).isInstanceOf(IOException.class);
    }

    @Test
    void aHeavyTailDelaysItsShareOfTheCalls() throws Exception {
        standIn.upstream("recommendations", Behaviour.healthy().tail(1.0, TAIL));

        Duration took = timed("/recommendations/users/1/recommendations");

        assertThat(took).isGreaterThanOrEqualTo(TAIL);
        assertThat(timed("/orders/users/1/orders")).isLessThan(TAIL);
    }

    @Test
    void slowDripsTheRightBodyAByteAtATime() throws Exception {
        standIn.upstream("orders", Behaviour.slow().drip(DRIP));

        long start = System.nanoTime();
        HttpResponse<String> orders = get("/orders/users/1/orders");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(orders.body()).startsWith("[{\"id\":\"o-1\"").endsWith("}]");
        assertThat(took).isGreaterThanOrEqualTo(DRIP.multipliedBy(orders.body().length() - 1));
    }

    @Test
    void aBehaviourForSomeCallsOnlyThenHealthy() throws Exception {
        standIn.path("/directory/people/9", Behaviour.status(500).times(1));

        assertThat(get("/directory/people/9").statusCode()).isEqualTo(500);
        assertThat(get("/directory/people/9").statusCode()).isEqualTo(200);
        assertThat(standIn.exchanges("directory")).hasSize(2);
    }

    @Test
    void startTimeBehavioursAreWhatResetReturnsTo() throws Exception {
        try (UpstreamStandIn configured = UpstreamStandIn.start(0, Behaviour.healthy(),
                Map.of("billing", Behaviour.status(502)), false)) {
            URI billing = URI.create(configured.url("billing") + "/accounts/1");
            configured.upstream("billing", Behaviour.healthy());
            configured.reset();

            int status = client.send(HttpRequest.newBuilder(billing).build(), HttpResponse.BodyHandlers.discarding()).statusCode();

            assertThat(status).isEqualTo(502);
            assertThat(configured.exchanges("billing")).as("records only when asked").isEmpty();
        }
    }

    private static Duration timed(String path) throws Exception {
        long start = System.nanoTime();
        get(path);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standIn.port() + path)).timeout(Duration.ofSeconds(10));
    }
}
