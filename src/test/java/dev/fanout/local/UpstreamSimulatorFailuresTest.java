package dev.fanout.local;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.support.ProblemAssertions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Every request fails, each upstream in another failure mode. */
@QuarkusTest
@TestProfile(UpstreamSimulatorFailuresTest.EveryRequestFails.class)
class UpstreamSimulatorFailuresTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    /** Generous: a busy machine must not turn a quick answer (or a reset) into a timeout. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private static final String BASE = "/_dev/upstreams";

    public static class EveryRequestFails implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("fanout.simulators.enabled", "true"),
                    failing("billing", "error"),
                    failing("orders", "malformed"),
                    failing("recommendations", "reset"),
                    failing("directory", "hang"),
                    Map.entry("fanout.simulators.billing.failure-rate", "1.0"),
                    Map.entry("fanout.simulators.orders.failure-rate", "1.0"),
                    Map.entry("fanout.simulators.recommendations.failure-rate", "1.0"),
                    Map.entry("fanout.simulators.directory.failure-rate", "1.0"));
        }

        private static Map.Entry<String, String> failing(String upstream, String mode) {
            return Map.entry("fanout.simulators." + upstream + ".failure-mode", mode);
        }
    }

    @TestHTTPResource(BASE)
    URI simulators;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void errorFailureModeAnswersAServerErrorProblem() {
        ProblemAssertions.assertProblem(given().get(BASE + "/billing/accounts/1").then(), 500);
    }

    @Test
    void malformedFailureModeAnswersOkWithABodyThatIsNotJson() {
        String body = given().get(BASE + "/orders/users/1/orders?limit=5")
                .then().statusCode(200).contentType("application/json").extract().asString();

        assertThat(body).isNotEmpty();
        assertThatThrownBy(() -> new ObjectMapper().readTree(body)).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void resetFailureModeDropsTheConnectionWithoutAnAnswer() {
        assertThatThrownBy(() -> get("/recommendations/users/1/recommendations", ANSWER_TIMEOUT))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void hangFailureModeNeverAnswers() {
        assertThatThrownBy(() -> get("/directory/people/1", READ_TIMEOUT)).isInstanceOf(HttpTimeoutException.class);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(path, ANSWER_TIMEOUT);
    }

    private HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulators + path)).timeout(timeout).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
