package dev.fanout.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.fanout.concurrent.Deadline;
import dev.fanout.lambda.LambdaContext;
import dev.fanout.problem.InvalidParameterException;

/** Which bound wins a request's deadline: the configured maximum, {@code Request-Timeout}, or Lambda's own. */
class RequestBudgetTest {

    private static final Duration MAX_DEADLINE = Duration.ofSeconds(2);
    private static final Duration SAFETY_MARGIN = Duration.ofMillis(50);
    private static final RequestDeadlineConfig DEFAULTS = new RequestDeadlineConfig() {
        @Override
        public Duration maxDeadline() {
            return MAX_DEADLINE;
        }

        @Override
        public Duration safetyMargin() {
            return SAFETY_MARGIN;
        }
    };
    /** What a loaded test machine may lose between building a budget and reading its deadline. */
    private static final Duration SLACK = Duration.ofMillis(250);
    private static final String REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";

    @Test
    void withNothingToLowerItTheConfiguredMaximumLessTheMarginBounds() {
        assertRemaining(budget(null, Optional.empty()).deadline(), MAX_DEADLINE.minus(SAFETY_MARGIN));
    }

    @Test
    void aShorterRequestTimeoutLowersTheDeadline() {
        assertRemaining(budget("500", Optional.empty()).deadline(), Duration.ofMillis(500).minus(SAFETY_MARGIN));
        assertRemaining(budget(" 300 ", Optional.empty()).deadline(), Duration.ofMillis(300).minus(SAFETY_MARGIN));
    }

    @ParameterizedTest
    @ValueSource(strings = { "10000", "999999999" })
    void aLongerOrHugeRequestTimeoutCannotRaiseTheMaximum(String header) {
        assertRemaining(budget(header, Optional.empty()).deadline(), MAX_DEADLINE.minus(SAFETY_MARGIN));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "abc", "-1", "0", "000", "1e3", "1.5", "+100", "0x10", "1000000000", "99999999999",
            "9223372036854775808" })
    void aRequestTimeoutThatIsNotAPositiveNumberOfMillisecondsIsABadRequest(String header) {
        RequestBudget budget = budget(header, Optional.empty());

        assertThatThrownBy(budget::deadline).isInstanceOf(InvalidParameterException.class)
                .hasMessage("Request-Timeout must be a positive number of milliseconds");
    }

    @Test
    void lambdasDeadlineWinsWhenItIsTheEarliest() {
        var lambda = lambdaEndingIn(Duration.ofMillis(400));

        assertRemaining(budget("1500", lambda).deadline(), Duration.ofMillis(400).minus(SAFETY_MARGIN));
    }

    @Test
    void theHeaderWinsWhenItIsEarlierThanLambdasDeadline() {
        assertRemaining(budget("300", lambdaEndingIn(Duration.ofSeconds(10))).deadline(),
                Duration.ofMillis(300).minus(SAFETY_MARGIN));
    }

    @Test
    void anInvocationWhoseTimeHasRunOutHasAnExpiredDeadline() {
        Deadline deadline = budget(null, lambdaEndingIn(Duration.ofSeconds(-1))).deadline();

        assertThat(deadline.isExpired()).isTrue();
    }

    @Test
    void aLambdaContextWithoutADeadlineLowersNothing() {
        var noDeadline = Optional.of(new LambdaContext(REQUEST_ID, 0, "profile", null));

        assertRemaining(budget(null, noDeadline).deadline(), MAX_DEADLINE.minus(SAFETY_MARGIN));
    }

    @Test
    void theBudgetCountsFromTheArrivalNotFromTheQuestion() {
        long arrivedASecondAgo = System.nanoTime() - Duration.ofSeconds(1).toNanos();
        var budget = new RequestBudget(arrivedASecondAgo, null, Optional.empty(), DEFAULTS);

        assertRemaining(budget.deadline(), MAX_DEADLINE.minus(Duration.ofSeconds(1)).minus(SAFETY_MARGIN));
    }

    @Test
    void aCallersOwnBudgetAndMarginFollowTheSameRule() {
        Duration batch = Duration.ofSeconds(25);
        Duration margin = Duration.ofMillis(500);

        assertRemaining(budget(null, Optional.empty()).deadline(batch, margin), batch.minus(margin));
        assertRemaining(budget("1000", Optional.empty()).deadline(batch, margin), Duration.ofMillis(500));
    }

    @Test
    void anEventIgnoresTheHeaderButNotLambda() {
        Duration batch = Duration.ofSeconds(25);

        assertRemaining(budget("garbage", Optional.empty()).eventDeadline(batch, SAFETY_MARGIN), batch.minus(SAFETY_MARGIN));
        assertRemaining(budget("100", lambdaEndingIn(Duration.ofSeconds(3))).eventDeadline(batch, SAFETY_MARGIN),
                Duration.ofSeconds(3).minus(SAFETY_MARGIN));
    }

    private static RequestBudget budget(String requestTimeout, Optional<LambdaContext> lambda) {
        return new RequestBudget(System.nanoTime(), requestTimeout, lambda, DEFAULTS);
    }

    private static Optional<LambdaContext> lambdaEndingIn(Duration remaining) {
        return Optional.of(new LambdaContext(REQUEST_ID, System.currentTimeMillis() + remaining.toMillis(), "profile", null));
    }

    private static void assertRemaining(Deadline deadline, Duration expected) {
        assertThat(deadline.remaining()).isLessThanOrEqualTo(expected).isGreaterThan(expected.minus(SLACK));
    }
}
