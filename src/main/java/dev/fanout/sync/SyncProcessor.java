package dev.fanout.sync;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.fanout.concurrent.Deadline;
import dev.fanout.sync.ItemOutcome.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * A sync batch: its user ids go through {@link SyncStep} (fetch, then upsert) on a
 * {@link BatchRunner}, which bounds them to {@code max-in-flight} at once and starts an item
 * only while the batch's deadline leaves room for its fetch and its upsert. Here the runner's
 * outcomes become the items' reasons, the identity sequence moves once per batch, and the
 * meters count.
 */
@ApplicationScoped
public class SyncProcessor {

    private static final Logger LOG = Logger.getLogger(SyncProcessor.class);

    private final SyncStep step;
    private final BatchRunner runner;
    private final AtomicInteger inFlight;
    private final Counter processed;
    private final Counter failed;
    private final Timer batchDuration;

    public SyncProcessor(SyncStep step, SyncConfig config, MeterRegistry meters) {
        this.step = step;
        this.runner = new BatchRunner(config.maxInFlight(), step.budget());
        this.inFlight = meters.gauge(SyncMeters.IN_FLIGHT, new AtomicInteger());
        this.processed = meters.counter(SyncMeters.ITEMS, "outcome", "processed");
        this.failed = meters.counter(SyncMeters.ITEMS, "outcome", "failed");
        this.batchDuration = meters.timer(SyncMeters.BATCH);
    }

    /** Each id on its own; the outcomes are in the order of the ids. */
    public Uni<List<ItemOutcome>> syncEach(List<Long> userIds, Deadline deadline) {
        List<List<Long>> singles = userIds.stream().map(List::of).toList();
        return syncInOrder(singles, deadline)
                .map(groups -> groups.stream().flatMap(List::stream).toList());
    }

    /**
     * Groups side by side, each in its order: the first failure in a group stops it, and its
     * later items fail with {@link Reason#EARLIER_IN_GROUP_FAILED}. The outcomes are in the order
     * of the groups and items.
     */
    public Uni<List<List<ItemOutcome>>> syncInOrder(List<List<Long>> groups, Deadline deadline) {
        return Uni.createFrom().deferred(() -> timed(runner.runInOrder(groups, userId -> syncOne(userId, deadline), deadline)
                .map(SyncProcessor::itemOutcomes)
                .chain(this::advanceIdentity)
                .invoke(this::countOutcomes)));
    }

    /** One item, in the in-flight gauge from its fetch to its upsert's end. */
    private Uni<Void> syncOne(long userId, Deadline deadline) {
        return step.sync(userId, deadline)
                .onSubscription().invoke(inFlight::incrementAndGet)
                .onTermination().invoke(inFlight::decrementAndGet);
    }

    private <T> Uni<T> timed(Uni<T> batch) {
        long started = System.nanoTime();
        return batch.onTermination().invoke(() -> batchDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    }

    private void countOutcomes(List<List<ItemOutcome>> groups) {
        groups.stream().flatMap(List::stream).forEach(item -> (item.succeeded() ? processed : failed).increment());
    }

    private static List<List<ItemOutcome>> itemOutcomes(List<List<BatchRunner.Outcome<Long>>> groups) {
        return groups.stream()
                .map(group -> group.stream().map(SyncProcessor::itemOutcome).toList())
                .toList();
    }

    /** {@link SyncStep} fails only with a {@link SyncItemException}, whose message is the reason. */
    private static ItemOutcome itemOutcome(BatchRunner.Outcome<Long> outcome) {
        long userId = outcome.item();
        return switch (outcome.status()) {
            case DONE -> ItemOutcome.synced(userId);
            case FAILED -> ItemOutcome.failed(userId, outcome.failure().getMessage());
            case NOT_STARTED -> ItemOutcome.failed(userId, Reason.NOT_STARTED.text);
            case SKIPPED -> ItemOutcome.failed(userId, Reason.EARLIER_IN_GROUP_FAILED.text);
        };
    }

    /**
     * Once per batch, after its upserts: moves the identity sequence past the highest id
     * stored. If that fails, the stored items are reported failed, so that their retry
     * (a no-op upsert) tries again; they are not half-written, only not yet safe for
     * {@code POST /users}.
     */
    private Uni<List<List<ItemOutcome>>> advanceIdentity(List<List<ItemOutcome>> outcomes) {
        long highest = outcomes.stream()
                .flatMap(List::stream)
                .filter(ItemOutcome::succeeded)
                .mapToLong(ItemOutcome::userId)
                .max()
                .orElse(0);
        if (highest == 0) {
            return Uni.createFrom().item(outcomes);
        }
        return step.advanceIdentityPast(highest)
                .replaceWith(outcomes)
                .onFailure().recoverWithItem(failure -> identityNotAdvanced(outcomes, failure));
    }

    private static List<List<ItemOutcome>> identityNotAdvanced(List<List<ItemOutcome>> outcomes, Throwable failure) {
        LOG.errorf(failure, "Sync could not advance the users id sequence; the batch's stored items are reported failed");
        return outcomes.stream()
                .map(group -> group.stream()
                        .map(item -> item.succeeded() ? ItemOutcome.failed(item.userId(), Reason.IDENTITY_NOT_ADVANCED.text)
                                : item)
                        .toList())
                .toList();
    }
}
