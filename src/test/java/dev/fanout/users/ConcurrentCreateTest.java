package dev.fanout.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.fanout.support.ProblemAssertions;
import dev.fanout.support.TestUsers;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ConcurrentCreateTest {

    private static final int RACERS = 20;
    private static final int DELETERS = 64;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void twentyConcurrentCreatesOfOneEmailGiveOne201AndNineteen409() {
        String body = TestUsers.body(TestUsers.uniqueEmail(), "Racer", "free");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/users"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();

        List<HttpResponse<String>> answers = IntStream.range(0, RACERS)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList().stream()
                .map(CompletableFuture::join)
                .toList();

        assertThat(answers).extracting(HttpResponse::statusCode)
                .containsOnly(201, 409)
                .filteredOn(status -> status == 201).hasSize(1);
        answers.stream().filter(answer -> answer.statusCode() == 409).forEach(answer -> {
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            ProblemAssertions.assertNoInternals(answer.body());
        });
    }

    /** Concurrent deletes once met HR000069 in Panache's load-remove-flush path (a 500). */
    @Test
    void concurrentDeletesOfDistinctUsersAreAll204() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Long> ids = IntStream.range(0, DELETERS).mapToObj(i -> TestUsers.create()).toList();

        List<HttpResponse<String>> answers = ids.stream()
                .map(id -> HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/users/" + id))
                        .timeout(Duration.ofSeconds(30)).DELETE().build())
                .map(request -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList().stream()
                .map(CompletableFuture::join)
                .toList();

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(204);
    }
}
