package dev.fanout.support;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/** Many requests sent at once, as concurrent clients would, and every answer waited for. */
public final class Burst {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Burst() {
    }

    /** {@code count} requests, each built anew (so each can carry its own header values), sent together. */
    public static List<HttpResponse<String>> of(int count, Supplier<HttpRequest> request) {
        return IntStream.range(0, count)
                .mapToObj(i -> CLIENT.sendAsync(request.get(), HttpResponse.BodyHandlers.ofString()))
                .toList().stream()
                .map(CompletableFuture::join)
                .toList();
    }

    /** What the answers that are not 200 said, a few of each, for an assertion's description. */
    public static String problemsOf(List<HttpResponse<String>> answers) {
        return "distinct problems: " + answers.stream().filter(answer -> answer.statusCode() != 200)
                .map(HttpResponse::body).distinct().limit(5).toList();
    }
}
