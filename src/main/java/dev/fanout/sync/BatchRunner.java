package dev.fanout.sync;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.IntStream;

import dev.fanout.concurrent.Deadline;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Runs a batch of items through one asynchronous step, like a bounded asyncio worker pool,
 * and knows nothing of what the items are:
 * <ul>
 * <li>groups run side by side, at most {@code maxInFlight} items at once across them;</li>
 * <li>a group's items run one after the other, in its order (an SQS FIFO message group);
 * the first failure stops the group, and its later items are {@link Status#SKIPPED};</li>
 * <li>an item starts only while the deadline leaves at least {@code itemBudget}, so a
 * started item has the time it needs; later ones are {@link Status#NOT_STARTED};</li>
 * <li>every item ends in an {@link Outcome} of its own: a step's failure is reported, never
 * thrown, and never stops another group.</li>
 * </ul>
 * Cancelling the batch cancels the steps in progress. Plain Java over Mutiny: no CDI and no
 * feature, so it is tested on its own ({@code BatchRunnerTest}).
 */
public final class BatchRunner {

    /** How an item ended. */
    public enum Status {
        /** The step answered an item. */
        DONE,
        /** The step failed; {@link Outcome#failure()} says why. */
        FAILED,
        /** The deadline left too little time for it when its turn came. */
        NOT_STARTED,
        /** An earlier item of its group did not end {@link #DONE}. */
        SKIPPED
    }

    /** @param failure the step's failure, for {@link Status#FAILED} only */
    public record Outcome<T>(T item, Status status, Throwable failure) {

        public boolean succeeded() {
            return status == Status.DONE;
        }
    }

    private final int maxInFlight;
    private final Duration itemBudget;

    public BatchRunner(int maxInFlight, Duration itemBudget) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("at least one item must be able to run, not " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.itemBudget = itemBudget;
    }

    /** The outcomes are in the order of the groups, and of the items within each. */
    public <T> Uni<List<List<Outcome<T>>>> runInOrder(List<List<T>> groups, Function<T, Uni<?>> step,
            Deadline deadline) {
        List<Group<T>> indexed = IntStream.range(0, groups.size()).mapToObj(i -> new Group<>(i, groups.get(i))).toList();
        return Multi.createFrom().iterable(indexed)
                .onItem().transformToUni(group -> runGroup(group, step, deadline)).merge(maxInFlight)
                .collect().asList()
                .map(BatchRunner::inGroupOrder);
    }

    private <T> Uni<GroupOutcome<T>> runGroup(Group<T> group, Function<T, Uni<?>> step, Deadline deadline) {
        AtomicBoolean stopped = new AtomicBoolean();
        return Multi.createFrom().iterable(group.items())
                .onItem().transformToUniAndConcatenate(item -> runUnlessStopped(item, step, stopped, deadline))
                .collect().asList()
                .map(outcomes -> new GroupOutcome<>(group.index(), outcomes));
    }

    /** Deferred, so the checks happen when the item's turn comes, after the one before it ended. */
    private <T> Uni<Outcome<T>> runUnlessStopped(T item, Function<T, Uni<?>> step, AtomicBoolean stopped,
            Deadline deadline) {
        return Uni.createFrom().deferred(() -> {
            if (stopped.get()) {
                return Uni.createFrom().item(new Outcome<>(item, Status.SKIPPED, null));
            }
            if (deadline.remaining().compareTo(itemBudget) < 0) {
                stopped.set(true);
                return Uni.createFrom().item(new Outcome<>(item, Status.NOT_STARTED, null));
            }
            return run(item, step)
                    .invoke(outcome -> stopIfFailed(outcome, stopped));
        });
    }

    private static void stopIfFailed(Outcome<?> outcome, AtomicBoolean stopped) {
        if (!outcome.succeeded()) {
            stopped.set(true);
        }
    }

    /** A step that throws, or answers null instead of a {@code Uni}, fails its item like any other failure. */
    private static <T> Uni<Outcome<T>> run(T item, Function<T, Uni<?>> step) {
        return Uni.createFrom().deferred(() -> step.apply(item))
                .map(answer -> new Outcome<>(item, Status.DONE, null))
                .onFailure().recoverWithItem(failure -> new Outcome<>(item, Status.FAILED, failure));
    }

    private static <T> List<List<Outcome<T>>> inGroupOrder(List<GroupOutcome<T>> outcomes) {
        return outcomes.stream()
                .sorted(Comparator.comparingInt(GroupOutcome::index))
                .map(GroupOutcome::outcomes)
                .toList();
    }

    private record Group<T>(int index, List<T> items) {
    }

    private record GroupOutcome<T>(int index, List<Outcome<T>> outcomes) {
    }
}
