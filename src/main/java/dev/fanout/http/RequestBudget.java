package dev.fanout.http;

import java.time.Duration;
import java.util.Optional;

import dev.fanout.concurrent.Deadline;
import dev.fanout.lambda.LambdaContext;
import dev.fanout.problem.InvalidParameterException;
import io.vertx.ext.web.RoutingContext;

/**
 * A request's budget: when it arrived, the {@code Request-Timeout: <ms>} its caller gave
 * it, and the Lambda invocation's context, each read once at the edge
 * ({@link RequestEdge}). A resource asks it for its {@link Deadline}: the configured
 * maximum from the arrival, lowered by the header and by Lambda's own deadline, less a
 * margin for writing the answer.
 */
public final class RequestBudget {

    public static final String REQUEST_TIMEOUT_HEADER = "Request-Timeout";

    private static final String KEY = RequestBudget.class.getName();
    private static final int MAX_HEADER_DIGITS = 9;

    private final long arrivalNanos;
    private final String requestTimeoutHeader;
    private final Optional<LambdaContext> lambda;
    private final RequestDeadlineConfig defaults;

    RequestBudget(long arrivalNanos, String requestTimeoutHeader, Optional<LambdaContext> lambda,
            RequestDeadlineConfig defaults) {
        this.arrivalNanos = arrivalNanos;
        this.requestTimeoutHeader = requestTimeoutHeader;
        this.lambda = lambda;
        this.defaults = defaults;
    }

    /** The budget the edge stamped on this request. */
    public static RequestBudget of(RoutingContext routing) {
        RequestBudget budget = routing.get(KEY);
        if (budget == null) {
            throw new IllegalStateException("the request edge did not stamp this request");
        }
        return budget;
    }

    void stampOn(RoutingContext routing) {
        routing.put(KEY, this);
    }

    /** An API request's deadline: {@code fanout.request.max-deadline} at the most. */
    public Deadline deadline() {
        return deadline(defaults.maxDeadline(), defaults.safetyMargin());
    }

    /**
     * The same rule with a budget and margin of the caller's own, for work that is allowed
     * longer than an ordinary request (a batch, say): the earliest of arrival + budget, the
     * header's time and Lambda's deadline, each less the margin. A malformed header is a 400.
     */
    public Deadline deadline(Duration budget, Duration safetyMargin) {
        if (requestTimeoutHeader != null) {
            budget = shorter(budget, parseRequestTimeout(requestTimeoutHeader));
        }
        return withinLambda(Deadline.startingAt(arrivalNanos, budget.minus(safetyMargin)), safetyMargin);
    }

    /**
     * For an event that Lambda delivers (SQS through the adapter's pass-through path): its
     * sender is Lambda, not a client, so only the budget and Lambda's deadline count.
     */
    public Deadline eventDeadline(Duration budget, Duration safetyMargin) {
        return withinLambda(Deadline.startingAt(arrivalNanos, budget.minus(safetyMargin)), safetyMargin);
    }

    public Optional<LambdaContext> lambda() {
        return lambda;
    }

    private Deadline withinLambda(Deadline deadline, Duration safetyMargin) {
        return lambda.filter(LambdaContext::hasDeadline)
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
