package dev.fanout.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.fanout.concurrent.Deadline;
import dev.fanout.sync.BatchRunner.Outcome;
import dev.fanout.sync.BatchRunner.Status;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * The batch runner on its own: no Quarkus, and no clock but the deadline's. The steps
 * end when a test says so ({@link HeldSteps}), so every check is about what has started,
 * never about how long anything took.
 */
class BatchRunnerTest {

    private static final int MAX_IN_FLIGHT = 2;
    private static final Duration ITEM_BUDGET = Duration.ofSeconds(1);
    /** Far more than any item's budget: nothing in these tests is refused for time. */
    private static final Duration PLENTY = Duration.ofHours(1);
    private static final IllegalStateException BROKEN = new IllegalStateException("broken");

    private final BatchRunner runner = new BatchRunner(MAX_IN_FLIGHT, ITEM_BUDGET);
    private final HeldSteps steps = new HeldSteps();

    @Test
    void atMostMaxInFlightItemsRunAtOnceAndTheNextStartsWhenOneEnds() {
        UniAssertSubscriber<List<List<Outcome<String>>>> batch = run(List.of(
                List.of("a"), List.of("b"), List.of("c"), List.of("d"), List.of("e")));

        assertThat(steps.started).containsExactly("a", "b");
        steps.succeed("a");
        assertThat(steps.started).containsExactly("a", "b", "c");
        steps.succeed("c");
        steps.succeed("b");
        steps.succeed("d");
        steps.succeed("e");

        assertThat(statuses(batch)).containsExactly(
                List.of(Status.DONE), List.of(Status.DONE), List.of(Status.DONE), List.of(Status.DONE), List.of(Status.DONE));
        assertThat(steps.mostRunningAtOnce).isEqualTo(MAX_IN_FLIGHT);
    }

    @Test
    void outcomesKeepTheOrderOfGroupsAndItemsWhateverOrderTheyEndIn() {
        UniAssertSubscriber<List<List<Outcome<String>>>> batch = run(List.of(List.of("a1", "a2"), List.of("b1")));

        steps.succeed("b1");
        steps.succeed("a1");
        steps.succeed("a2");

        assertThat(items(batch)).containsExactly(List.of("a1", "a2"), List.of("b1"));
        assertThat(statuses(batch)).containsExactly(List.of(Status.DONE, Status.DONE), List.of(Status.DONE));
    }

    @Test
    void aGroupRunsItsItemsOneAfterTheOther() {
        UniAssertSubscriber<List<List<Outcome<String>>>> batch = run(List.of(List.of("a1", "a2", "a3")));

        assertThat(steps.started).containsExactly("a1");
        steps.succeed("a1");
        assertThat(steps.started).containsExactly("a1", "a2");
        steps.succeed("a2");
        steps.succeed("a3");

        assertThat(statuses(batch)).containsExactly(List.of(Status.DONE, Status.DONE, Status.DONE));
        assertThat(steps.mostRunningAtOnce).isEqualTo(1);
    }

    @Test
    void theFirstFailureInAGroupSkipsItsLaterItemsWhileOtherGroupsGoOn() {
        UniAssertSubscriber<List<List<Outcome<String>>>> batch = run(List.of(List.of("a1", "a2", "a3"), List.of("b1", "b2")));

        steps.fail("a1", BROKEN);
        steps.succeed("b1");
        steps.succeed("b2");

        assertThat(statuses(batch)).containsExactly(
                List.of(Status.FAILED, Status.SKIPPED, Status.SKIPPED), List.of(Status.DONE, Status.DONE));
        assertThat(batch.getItem().get(0).get(0).failure()).isSameAs(BROKEN);
        assertThat(steps.started).as("a skipped item never reaches the step").doesNotContain("a2", "a3");
    }

    @Test
    void aStepThatThrowsOrAnswersNoUniFailsOnlyItsItem() {
        Function<String, Uni<?>> step = item -> switch (item) {
            case "throws" -> throw BROKEN;
            case "null" -> null;
            default -> Uni.createFrom().item(item);
        };

        List<List<Outcome<String>>> outcomes = runner.runInOrder(List.of(List.of("throws"), List.of("null"), List.of("fine")),
                step, Deadline.after(PLENTY)).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertCompleted().getItem();

        assertThat(outcomes).extracting(group -> group.get(0).status())
                .containsExactly(Status.FAILED, Status.FAILED, Status.DONE);
        assertThat(outcomes.get(0).get(0).failure()).isSameAs(BROKEN);
        assertThat(outcomes.get(1).get(0).failure()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void noItemStartsWhenTheDeadlineLeavesLessThanItsBudget() {
        Deadline tooClose = Deadline.after(ITEM_BUDGET.dividedBy(2));

        List<List<Outcome<String>>> outcomes = runner.runInOrder(List.of(List.of("a1", "a2"), List.of("b1")), steps, tooClose)
                .subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertCompleted().getItem();

        assertThat(outcomes).extracting(group -> group.stream().map(Outcome::status).toList()).containsExactly(
                List.of(Status.NOT_STARTED, Status.SKIPPED), List.of(Status.NOT_STARTED));
        assertThat(steps.started).isEmpty();
    }

    @Test
    void cancellingTheBatchCancelsTheItemsInProgressAndStartsNoOther() {
        UniAssertSubscriber<List<List<Outcome<String>>>> batch = run(List.of(List.of("a"), List.of("b"), List.of("c")));

        batch.cancel();

        assertThat(steps.cancelled).containsExactlyInAnyOrder("a", "b");
        assertThat(steps.started).containsExactly("a", "b");
        batch.assertNotTerminated();
    }

    @Test
    void anEmptyBatchHasNoOutcomes() {
        assertThat(statuses(run(List.of()))).isEmpty();
    }

    @Test
    void aRunnerNeedsRoomForAtLeastOneItem() {
        assertThatIllegalArgumentException().isThrownBy(() -> new BatchRunner(0, ITEM_BUDGET));
    }

    private UniAssertSubscriber<List<List<Outcome<String>>>> run(List<List<String>> groups) {
        return runner.runInOrder(groups, steps, Deadline.after(PLENTY))
                .subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    private static List<List<Status>> statuses(UniAssertSubscriber<List<List<Outcome<String>>>> batch) {
        return batch.assertCompleted().getItem().stream()
                .map(group -> group.stream().map(Outcome::status).toList())
                .toList();
    }

    private static List<List<String>> items(UniAssertSubscriber<List<List<Outcome<String>>>> batch) {
        return batch.assertCompleted().getItem().stream()
                .map(group -> group.stream().map(Outcome::item).toList())
                .toList();
    }

    /** A step whose items run until the test ends them; everything happens on the test's thread. */
    private static final class HeldSteps implements Function<String, Uni<?>> {

        final List<String> started = new ArrayList<>();
        final List<String> cancelled = new ArrayList<>();
        final Map<String, UniEmitter<? super String>> running = new LinkedHashMap<>();
        int mostRunningAtOnce;

        @Override
        public Uni<?> apply(String item) {
            return Uni.createFrom().<String>emitter(emitter -> {
                started.add(item);
                running.put(item, emitter);
                mostRunningAtOnce = Math.max(mostRunningAtOnce, running.size());
            }).onCancellation().invoke(() -> {
                cancelled.add(item);
                running.remove(item);
            });
        }

        void succeed(String item) {
            assertThat(running).as("running now").containsKey(item);
            running.remove(item).complete(item);
        }

        void fail(String item, Throwable failure) {
            assertThat(running).as("running now").containsKey(item);
            running.remove(item).fail(failure);
        }
    }
}
