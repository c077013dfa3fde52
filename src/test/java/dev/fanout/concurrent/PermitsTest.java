package dev.fanout.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;

class PermitsTest {

    private static final int PERMITS = 3;
    private static final int CALLERS = 10;

    /** Work that stays pending until the test ends it; records that it started and whether it was cancelled. */
    private static final class PendingWork {
        final List<UniEmitter<? super String>> started = new ArrayList<>();
        final List<AtomicBoolean> cancelled = new ArrayList<>();

        Uni<String> next() {
            AtomicBoolean wasCancelled = new AtomicBoolean();
            return Uni.createFrom().<String>emitter(emitter -> {
                started.add(emitter);
                cancelled.add(wasCancelled);
            }).onCancellation().invoke(() -> wasCancelled.set(true));
        }
    }

    @Test
    void noMoreThanTheGivenNumberRunAtOnceAndTheRestStartAsPermitsComeBack() {
        Permits permits = new Permits(PERMITS);
        PendingWork work = new PendingWork();
        List<UniAssertSubscriber<String>> callers = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            callers.add(permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }

        assertThat(work.started).hasSize(PERMITS);

        work.started.get(0).complete("first");
        callers.get(0).assertItem("first");
        assertThat(work.started).hasSize(PERMITS + 1);

        work.started.get(1).fail(new IllegalStateException("boom"));
        callers.get(1).assertFailedWith(IllegalStateException.class, "boom");
        assertThat(work.started).as("a failure gives its permit back too").hasSize(PERMITS + 2);
    }

    @Test
    void theLineKnowsItsOldestWaitAndItsPaceOnlyForTheCurrentSpellOfWaiting() throws InterruptedException {
        Permits permits = new Permits(1);
        PendingWork work = new PendingWork();
        assertThat(permits.oldestWaitNanos()).as("nobody waits").isZero();
        for (int i = 0; i < 4; i++) {
            permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        }
        Thread.sleep(5);
        assertThat(permits.oldestWaitNanos()).as("three wait behind the one running").isGreaterThanOrEqualTo(5_000_000);
        assertThat(permits.turnIntervalNanos()).as("no turn given yet: pace unknown").isZero();

        work.started.get(0).complete("1");
        Thread.sleep(5);
        work.started.get(1).complete("2");
        assertThat(permits.turnIntervalNanos()).as("two turns about 5 ms apart").isGreaterThanOrEqualTo(5_000_000);

        work.started.get(2).complete("3");
        work.started.get(3).complete("4"); // the line is empty, the permit free
        permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create()); // a new line forms
        assertThat(permits.turnIntervalNanos()).as("the last spell's pace is forgotten").isZero();
    }

    @Test
    void aNewArrivalWaitsAsLongAsThoseAheadTakeOrTheOldestHasWaitedIfLonger() throws InterruptedException {
        Permits permits = new Permits(1);
        PendingWork work = new PendingWork();
        permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(permits.waitOfANewArrivalNanos()).as("nobody waits").isZero();
        for (int i = 0; i < 3; i++) {
            permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        }
        Thread.sleep(5);
        assertThat(permits.waitOfANewArrivalNanos()).as("no turn given yet: the oldest wait")
                .isGreaterThanOrEqualTo(5_000_000);

        work.started.get(0).complete("1");
        Thread.sleep(20);
        work.started.get(1).complete("2"); // two turns at least 20 ms apart; one old waiter left
        for (int i = 0; i < 5; i++) {
            permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        }
        assertThat(permits.waitOfANewArrivalNanos()).as("six ahead, at 20 ms or more a turn: longer than the oldest has waited")
                .isGreaterThanOrEqualTo(6 * 20_000_000L)
                .isGreaterThan(permits.oldestWaitNanos());
    }

    @Test
    void aCallerCancelledWhileWaitingLeavesTheQueueAndNeverRuns() {
        Permits permits = new Permits(1);
        PendingWork work = new PendingWork();
        UniAssertSubscriber<String> first = permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> second = permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> third = permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());

        second.cancel();
        work.started.get(0).complete("done");

        first.assertItem("done");
        assertThat(work.started).as("the first and the third ran; the cancelled second never did").hasSize(2);
        work.started.get(1).complete("third");
        third.assertItem("third");
        second.assertNotTerminated();
    }

    @Test
    void cancellingRunningWorkCancelsItAndGivesThePermitBack() {
        Permits permits = new Permits(1);
        PendingWork work = new PendingWork();
        UniAssertSubscriber<String> running = permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());

        running.cancel();

        assertThat(work.cancelled.get(0)).isTrue();
        assertThat(work.started).as("the waiting caller got the permit").hasSize(2);
    }

    @Test
    void permitsComeBackAfterSynchronousWork() {
        Permits permits = new Permits(1);
        for (int i = 0; i < CALLERS; i++) {
            permits.run(() -> Uni.createFrom().item("now")).subscribe().withSubscriber(UniAssertSubscriber.create())
                    .assertItem("now");
        }
        PendingWork work = new PendingWork();
        permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(work.started).hasSize(1);
    }

    @Test
    void runUntilReleasedHoldsThePermitPastCancellationUntilTheWorkReleasesIt() {
        Permits permits = new Permits(1);
        List<Runnable> releases = new ArrayList<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        UniAssertSubscriber<String> holder = permits.<String> runUntilReleased(release -> {
            releases.add(release);
            return Uni.createFrom().<String> nothing().onCancellation().invoke(() -> cancelled.set(true));
        }).subscribe().withSubscriber(UniAssertSubscriber.create());

        PendingWork next = new PendingWork();
        permits.run(next::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        holder.cancel();

        assertThat(cancelled).as("the work itself is cancelled").isTrue();
        assertThat(next.started).as("the resource is still busy: the permit stays held").isEmpty();

        releases.get(0).run();
        releases.get(0).run(); // a second release of the same permit changes nothing
        assertThat(next.started).as("the released permit went to the waiter").hasSize(1);
        assertThat(permits.inUse()).isEqualTo(1);
    }

    @Test
    void pastTheLineOfWaitersACallerIsRefusedAtOnce() {
        Permits permits = new Permits(1, 2);
        PendingWork work = new PendingWork();
        for (int i = 0; i < 3; i++) {
            permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        }

        UniAssertSubscriber<String> refused = permits.run(work::next).subscribe().withSubscriber(UniAssertSubscriber.create());

        refused.assertFailedWith(PermitsExhaustedException.class);
        assertThat(permits.waiting()).isEqualTo(2);
        assertThat(work.started).hasSize(1);
    }

    /**
     * The invariant a pool in front of a client needs: waiters that give up leave no trace.
     * After ten thousand cancelled waits every permit is still there, the line is empty, and
     * new callers run at once.
     */
    @Test
    void tenThousandCancelledWaitersLeaveEveryPermitAndNoPlaceInLine() {
        Permits permits = new Permits(PERMITS, 100);
        PendingWork holders = new PendingWork();
        for (int i = 0; i < PERMITS; i++) {
            permits.run(holders::next).subscribe().withSubscriber(UniAssertSubscriber.create());
        }
        for (int i = 0; i < 10_000; i++) {
            UniAssertSubscriber<String> waiter = permits.run(() -> Uni.createFrom().item("late"))
                    .subscribe().withSubscriber(UniAssertSubscriber.create());
            waiter.cancel();
        }
        assertThat(permits.waiting()).isZero();

        holders.started.forEach(emitter -> emitter.complete("done"));

        assertThat(permits.inUse()).isZero();
        List<UniAssertSubscriber<String>> burst = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
            burst.add(permits.run(() -> Uni.createFrom().item("ok")).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        burst.forEach(caller -> caller.assertItem("ok"));
    }

    @Test
    void aSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> new Permits(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
