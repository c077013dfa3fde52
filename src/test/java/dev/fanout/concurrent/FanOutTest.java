package dev.fanout.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

class FanOutTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT_DEADLINE = Duration.ofMillis(30);

    /** A part that never answers on its own, and says whether it was cancelled. */
    private static final class Hanging<T> {
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicInteger subscribed = new AtomicInteger();

        Uni<T> uni() {
            return Uni.createFrom().<T> nothing()
                    .onSubscription().invoke(subscribed::incrementAndGet)
                    .onCancellation().invoke(() -> cancelled.set(true));
        }
    }

    /** Loads the classes and starts Mutiny's timer pool, so the first timed test measures the fan-out, not class loading. */
    @BeforeAll
    static void warmUp() {
        var fanOut = FanOut.named("warm-up").within(Deadline.after(WAIT));
        fanOut.optional("part", Deadline.after(WAIT).bound(Uni.createFrom().item("x"), WAIT, IllegalStateException::new));
        await(fanOut.join()).assertCompleted();
    }

    @Test
    void everyPartAnsweringGivesEveryValueAndNothingDegraded() {
        var fanOut = FanOut.named("page").within(Deadline.after(WAIT));
        var user = fanOut.required("user", Uni.createFrom().item("ada"));
        var orders = fanOut.optional("orders", Uni.createFrom().item(List.of("o-1")));

        FanOut.Joined joined = await(fanOut.join()).assertCompleted().getItem();

        assertThat(joined.get(user)).isEqualTo("ada");
        assertThat(joined.get(orders)).containsExactly("o-1");
        assertThat(joined.degraded()).isEmpty();
    }

    @Test
    void aFailingOptionalPartIsNullAndNamedInDegraded() {
        var fanOut = FanOut.named("page").within(Deadline.after(WAIT));
        var user = fanOut.required("user", Uni.createFrom().item("ada"));
        var orders = fanOut.optional("orders", Uni.createFrom().<String> failure(new IllegalStateException("down")));

        FanOut.Joined joined = await(fanOut.join()).assertCompleted().getItem();

        assertThat(joined.get(user)).isEqualTo("ada");
        assertThat(joined.get(orders)).isNull();
        assertThat(joined.degraded()).containsExactly("orders");
    }

    @Test
    void aFailingRequiredPartFailsTheWholeAtOnceAndCancelsItsSiblings() {
        var slowOptional = new Hanging<String>();
        var slowRequired = new Hanging<String>();
        var fanOut = FanOut.named("page").within(Deadline.after(WAIT));
        fanOut.required("billing", slowRequired.uni());
        fanOut.optional("orders", slowOptional.uni());
        fanOut.required("user", Uni.createFrom().<String> failure(new IllegalStateException("no such user")));

        UniAssertSubscriber<FanOut.Joined> result = fanOut.join().subscribe().withSubscriber(UniAssertSubscriber.create());

        result.assertFailedWith(IllegalStateException.class, "no such user");
        assertThat(slowRequired.cancelled).isTrue();
        assertThat(slowOptional.cancelled).isTrue();
    }

    @Test
    void theDeadlineWithOnlyOptionalPartsPendingDegradesThemAndAnswers() {
        var orders = new Hanging<String>();
        var recommendations = new Hanging<String>();
        var fanOut = FanOut.named("profile").within(Deadline.after(SHORT_DEADLINE));
        var user = fanOut.required("user", Uni.createFrom().item("ada"));
        var recentOrders = fanOut.optional("orders", orders.uni());
        var recommended = fanOut.optional("recommendations", recommendations.uni());

        FanOut.Joined joined = await(fanOut.join()).assertCompleted().getItem();

        assertThat(joined.get(user)).isEqualTo("ada");
        assertThat(joined.get(recentOrders)).isNull();
        assertThat(joined.get(recommended)).isNull();
        assertThat(joined.degraded()).containsExactly("orders", "recommendations");
        assertThat(orders.cancelled).as("the pending optional part's work is cancelled").isTrue();
        assertThat(recommendations.cancelled).isTrue();
    }

    @Test
    void theDeadlineWithARequiredPartPendingFailsAndNamesIt() {
        var billing = new Hanging<String>();
        var orders = new Hanging<String>();
        var fanOut = FanOut.named("profile").within(Deadline.after(SHORT_DEADLINE));
        fanOut.required("user", Uni.createFrom().item("ada"));
        fanOut.required("billing", billing.uni());
        fanOut.optional("orders", orders.uni());

        UniAssertSubscriber<FanOut.Joined> result = await(fanOut.join());

        result.assertFailedWith(DeadlineExceededException.class, "billing");
        assertThat(((DeadlineExceededException) result.getFailure()).work()).isEqualTo("billing");
        assertThat(billing.cancelled).isTrue();
        assertThat(orders.cancelled).isTrue();
    }

    /**
     * The race the old design lost: optional parts bounded by the same deadline as the whole
     * (their own timeout is longer, so {@link Deadline#bound} caps it to what the deadline
     * leaves), so their timers and the whole's fire at the same instant. Whichever fires
     * first, the answer is the same: degraded, never a failure.
     */
    @RepeatedTest(10)
    void anOptionalTimeoutLandingWithTheDeadlineStillDegrades() {
        // Long enough for the parts to be subscribed on a loaded machine; both timers still share one instant.
        Deadline deadline = Deadline.after(Duration.ofMillis(500));
        var fanOut = FanOut.named("profile").within(deadline);
        var user = fanOut.required("user", Uni.createFrom().item("ada"));
        var orders = fanOut.optional("orders", deadline.bound(Uni.createFrom().<String> nothing(), Duration.ofDays(1),
                () -> new IllegalStateException("orders timed out")));
        var recommendations = fanOut.optional("recommendations", deadline.bound(Uni.createFrom().<String> nothing(),
                Duration.ofDays(1), () -> new IllegalStateException("recommendations timed out")));

        FanOut.Joined joined = await(fanOut.join()).assertCompleted().getItem();

        assertThat(joined.get(user)).isEqualTo("ada");
        assertThat(joined.get(orders)).isNull();
        assertThat(joined.get(recommendations)).isNull();
        assertThat(joined.degraded()).containsExactly("orders", "recommendations");
    }

    @Test
    void anAlreadyExpiredDeadlineFailsARequiredPartWithoutStartingAnyWork() {
        var user = new Hanging<String>();
        var orders = new Hanging<String>();
        var fanOut = FanOut.named("profile").within(Deadline.after(Duration.ZERO));
        fanOut.required("user", user.uni());
        fanOut.optional("orders", orders.uni());

        await(fanOut.join()).assertFailedWith(DeadlineExceededException.class, "user");

        assertThat(user.subscribed).hasValue(0);
        assertThat(orders.subscribed).hasValue(0);
    }

    @Test
    void cancellingTheWholeCancelsEveryPendingPart() {
        var user = new Hanging<String>();
        var orders = new Hanging<String>();
        var fanOut = FanOut.named("profile").within(Deadline.after(WAIT));
        fanOut.required("user", user.uni());
        fanOut.optional("orders", orders.uni());

        UniAssertSubscriber<FanOut.Joined> result = fanOut.join().subscribe().withSubscriber(UniAssertSubscriber.create());
        result.cancel();

        assertThat(user.cancelled).isTrue();
        assertThat(orders.cancelled).isTrue();
        result.assertNotTerminated();
    }

    @Test
    void everyPartIsSubscribedBeforeAnyAnswers() {
        List<String> order = new ArrayList<>();
        var fanOut = FanOut.named("page").within(Deadline.after(WAIT));
        fanOut.required("a", Uni.createFrom().<String> nothing().onSubscription().invoke(() -> order.add("a")));
        fanOut.required("b", Uni.createFrom().<String> nothing().onSubscription().invoke(() -> order.add("b")));
        fanOut.optional("c", Uni.createFrom().<String> nothing().onSubscription().invoke(() -> order.add("c")));

        UniAssertSubscriber<FanOut.Joined> result = fanOut.join().subscribe().withSubscriber(UniAssertSubscriber.create());

        assertThat(order).containsExactly("a", "b", "c");
        result.cancel();
    }

    private static UniAssertSubscriber<FanOut.Joined> await(Uni<FanOut.Joined> join) {
        UniAssertSubscriber<FanOut.Joined> subscriber = join.subscribe().withSubscriber(UniAssertSubscriber.create());
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> subscriber.getItem() != null || subscriber.getFailure() != null);
        return subscriber;
    }
}
