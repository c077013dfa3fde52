package dev.fanout.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;

class HedgeTest {

    private static final Duration DELAY = Duration.ofMillis(20);
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Attempts that stay pending until the test answers them; each records whether it was cancelled. */
    private static final class Attempts {
        final List<UniEmitter<? super String>> started = new ArrayList<>();
        final List<AtomicBoolean> cancelled = new ArrayList<>();

        synchronized Uni<String> next() {
            AtomicBoolean wasCancelled = new AtomicBoolean();
            return Uni.createFrom().<String> emitter(emitter -> {
                synchronized (this) {
                    started.add(emitter);
                    cancelled.add(wasCancelled);
                }
            }).onCancellation().invoke(() -> wasCancelled.set(true));
        }

        synchronized int count() {
            return started.size();
        }
    }

    @Test
    void aSlowAttemptIsHedgedAndTheFirstAnswerWinsWhileTheOtherIsCancelled() {
        Attempts attempts = new Attempts();
        List<Hedge.Outcome> outcomes = new ArrayList<>();

        UniAssertSubscriber<String> call = Hedge.of(attempts::next, DELAY, () -> true, outcomes::add)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> attempts.count() == 2);
        attempts.started.get(1).complete("second");

        call.assertItem("second");
        assertThat(attempts.cancelled.get(0)).as("the first attempt's I/O is cancelled").isTrue();
        assertThat(outcomes).containsExactly(Hedge.Outcome.WON);
    }

    @Test
    void theFirstAttemptAnsweringAfterTheHedgeWasSentCancelsTheHedge() {
        Attempts attempts = new Attempts();
        List<Hedge.Outcome> outcomes = new ArrayList<>();

        UniAssertSubscriber<String> call = Hedge.of(attempts::next, DELAY, () -> true, outcomes::add)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> attempts.count() == 2);
        attempts.started.get(0).complete("first");

        call.assertItem("first");
        assertThat(attempts.cancelled.get(1)).isTrue();
        assertThat(outcomes).containsExactly(Hedge.Outcome.LOST);
    }

    @Test
    void withoutBudgetNoSecondAttemptIsSent() throws InterruptedException {
        Attempts attempts = new Attempts();
        List<Hedge.Outcome> outcomes = new ArrayList<>();

        UniAssertSubscriber<String> call = Hedge.of(attempts::next, DELAY, () -> false, outcomes::add)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !outcomes.isEmpty());
        attempts.started.get(0).complete("only");

        call.assertItem("only");
        assertThat(attempts.count()).isEqualTo(1);
        assertThat(outcomes).containsExactly(Hedge.Outcome.DENIED);
    }

    @Test
    void anAttemptThatFailsBeforeTheDelayFailsTheCallWithoutAHedge() {
        List<Hedge.Outcome> outcomes = new ArrayList<>();

        UniAssertSubscriber<String> call = Hedge.of(() -> Uni.createFrom().<String> failure(new IllegalStateException("down")),
                Duration.ofSeconds(10), () -> true, outcomes::add).subscribe().withSubscriber(UniAssertSubscriber.create());

        call.assertFailedWith(IllegalStateException.class, "down");
        assertThat(outcomes).isEmpty();
    }

    @Test
    void aFailedAttemptWaitsForTheOtherAndOnlyBothFailingFailsTheCall() {
        Attempts attempts = new Attempts();
        List<Hedge.Outcome> outcomes = new ArrayList<>();

        UniAssertSubscriber<String> call = Hedge.of(attempts::next, DELAY, () -> true, outcomes::add)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> attempts.count() == 2);
        attempts.started.get(0).fail(new IllegalStateException("first failed"));
        call.assertNotTerminated();
        attempts.started.get(1).fail(new IllegalStateException("second failed"));

        call.assertFailedWith(IllegalStateException.class, "first failed");
        assertThat(outcomes).containsExactly(Hedge.Outcome.UNANSWERED);
    }

    @Test
    void cancellingTheCallCancelsEveryAttemptAndCountsTheHedgeUnanswered() {
        Attempts attempts = new Attempts();
        List<Hedge.Outcome> outcomes = new ArrayList<>();

        UniAssertSubscriber<String> call = Hedge.of(attempts::next, DELAY, () -> true, outcomes::add)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> attempts.count() == 2);
        call.cancel(); // the caller's deadline passed while both attempts hung

        assertThat(attempts.cancelled).allMatch(AtomicBoolean::get);
        assertThat(outcomes).containsExactly(Hedge.Outcome.UNANSWERED);
    }
}
