package dev.fanout.concurrent;

import java.time.Duration;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.lambda.LambdaContext;
import dev.fanout.problem.InvalidParameterException;

/**
 * A request's deadline: the configured maximum from the request's arrival, lowered
 * by a {@code Request-Timeout: <ms>} header and by the Lambda invocation's own
 * deadline, less a safety margin for writing the answer.
 */
@Singleton
public class RequestDeadlines {

    public static final String REQUEST_TIMEOUT_HEADER = "Request-Timeout";

    private static final int MAX_HEADER_DIGITS = 9;

    private final RequestDeadlineConfig config;
    private final ObjectMapper json;

    public RequestDeadlines(RequestDeadlineConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
    }

    public Deadline forRequest(long arrivalNanos, String requestTimeoutHeader, String lambdaContextHeader) {
        return forRequest(arrivalNanos, config.maxDeadline(), config.safetyMargin(), requestTimeoutHeader, lambdaContextHeader);
    }

    /**
     * The same rule with a budget and margin of the caller's own, for work that is
     * allowed longer than an ordinary request (a batch, say): the earliest of
     * arrival + budget, the header's time and Lambda's deadline, each less the margin.
     */
    public Deadline forRequest(long arrivalNanos, Duration budget, Duration safetyMargin, String requestTimeoutHeader,
            String lambdaContextHeader) {
        if (requestTimeoutHeader != null) {
            budget = shorter(budget, parseRequestTimeout(requestTimeoutHeader));
        }
        Deadline deadline = Deadline.startingAt(arrivalNanos, budget.minus(safetyMargin));
        return LambdaContext.parse(json, lambdaContextHeader)
                .filter(LambdaContext::hasDeadline)
                .map(context -> deadline.earliest(lambdaDeadline(context, safetyMargin)))
                .orElse(deadline);
    }

    private static Deadline lambdaDeadline(LambdaContext context, Duration safetyMargin) {
        long remainingMillis = context.deadlineEpochMillis() - System.currentTimeMillis();
        return Deadline.after(Duration.ofMillis(Math.max(0, remainingMillis)).minus(safetyMargin));
    }

    private static Duration parseRequestTimeout(String header) {
        String value = header.trim();
        if (value.isEmpty() || value.length() > MAX_HEADER_DIGITS || !value.chars().allMatch(c -> c >= '0' && c <= '9')
                || Long.parseLong(value) == 0) {
            throw new InvalidParameterException(REQUEST_TIMEOUT_HEADER + " must be a positive number of milliseconds");
        }
        return Duration.ofMillis(Long.parseLong(value));
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
