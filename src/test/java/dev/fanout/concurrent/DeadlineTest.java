package dev.fanout.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

class DeadlineTest {

    @Test
    void aBudgetBeyondTheClocksRangeIsCutNotOverflowed() {
        Deadline far = Deadline.after(Duration.ofMillis(99_999_999_999_999_999L));
        Deadline farBack = Deadline.startingAt(System.nanoTime(), Duration.ofMillis(-99_999_999_999_999_999L));

        assertThat(far.isExpired()).isFalse();
        assertThat(far.remaining()).isGreaterThan(Duration.ofDays(364)).isLessThanOrEqualTo(Deadline.LONGEST);
        assertThat(farBack.isExpired()).isTrue();
        assertThat(far.earliest(Deadline.after(Duration.ofSeconds(1)))).isNotSameAs(far);
    }

    @Test
    void aCallGetsItsOwnTimeoutOrWhatTheDeadlineLeavesWhicheverIsShorter() {
        Deadline deadline = Deadline.after(Duration.ofSeconds(10));

        assertThat(deadline.cap(Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(300));
        assertThat(deadline.cap(Duration.ofMinutes(1))).isLessThanOrEqualTo(Duration.ofSeconds(10))
                .isGreaterThan(Duration.ofSeconds(9));
    }

    @Test
    void aDeadlineFromAnEarlierArrivalCountsTheTimeAlreadySpent() {
        long arrivedTwoSecondsAgo = System.nanoTime() - Duration.ofSeconds(2).toNanos();

        assertThat(Deadline.startingAt(arrivedTwoSecondsAgo, Duration.ofSeconds(1)).isExpired()).isTrue();
        assertThat(Deadline.startingAt(arrivedTwoSecondsAgo, Duration.ofSeconds(3)).remaining())
                .isLessThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void workBoundPastItsTimeIsCancelledAndFailsWithTheExpiry() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Uni<String> never = Uni.createFrom().<String> nothing().onCancellation().invoke(() -> cancelled.set(true));

        UniAssertSubscriber<String> bounded = Deadline.after(Duration.ofSeconds(10))
                .bound(never, Duration.ofMillis(20), () -> new IllegalStateException("too slow"))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        bounded.awaitFailure(Duration.ofSeconds(5)).assertFailedWith(IllegalStateException.class, "too slow");
        assertThat(cancelled).isTrue();
    }

    /** A timer takes whole milliseconds (Vert.x's refuses 0), so less than one left is no time at all. */
    @Test
    void lessThanAMillisecondLeftFailsAtOnceWithoutStartingTheWork() {
        AtomicBoolean started = new AtomicBoolean();
        Uni<String> work = Uni.createFrom().item("late").onSubscription().invoke(() -> started.set(true));

        UniAssertSubscriber<String> bounded = Deadline.after(Duration.ofSeconds(10))
                .bound(work, Duration.ofNanos(500_000), () -> new IllegalStateException("no time"))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        bounded.assertFailedWith(IllegalStateException.class, "no time");
        assertThat(started).isFalse();
    }
}
