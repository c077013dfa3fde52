package dev.fanout.sync;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.fanout.concurrent.Deadline;
import dev.fanout.concurrent.Permits;
import dev.fanout.observability.MeterConfig;
import dev.fanout.problem.ProblemException;
import dev.fanout.sync.client.DirectoryClient;
import dev.fanout.sync.client.DirectoryPerson;
import dev.fanout.sync.client.NotInDirectoryException;
import dev.fanout.users.EmailTakenException;
import dev.fanout.users.UserRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Fetches user ids from directory and upserts them into {@code users}, item by item:
 * <ul>
 * <li>at most {@code max-in-flight} items of a batch are in progress at once, so at most
 * that many directory calls are in flight; upserts of every batch together hold at most
 * as many connections as the pool has (and never more than {@code max-in-flight});</li>
 * <li>every item ends in an {@link ItemOutcome} of its own: a failure is reported, never
 * thrown, and never stops the batch;</li>
 * <li>an item starts only while the batch's deadline leaves room for its fetch and its
 * upsert; later ones are reported "not started before the batch deadline";</li>
 * <li>each upsert is one statement, so an item is written whole or not at all.</li>
 * </ul>
 */
@ApplicationScoped
public class SyncProcessor {

    static final String NOT_STARTED = "not started before the batch deadline";
    static final String EARLIER_IN_GROUP_FAILED = "not started: an earlier message of its group failed";
    static final String EMAIL_TAKEN = "email already belongs to another user";
    static final String NOT_STORED_IN_TIME = "not stored in time";
    static final String NOT_STORED = "could not be stored";
    static final String IDENTITY_NOT_ADVANCED = "stored, but the user id sequence could not be moved past it";
    static final String UNEXPECTED = "failed unexpectedly; see the function's log";

    private static final Logger LOG = Logger.getLogger(SyncProcessor.class);

    private final DirectoryClient directory;
    private final UserRepository users;
    private final Validator validator;
    private final SyncConfig config;
    private final Permits upserts;
    private final Duration itemBudget;
    private final AtomicInteger inFlight;
    private final Counter processed;
    private final Counter failed;
    private final Timer batchDuration;

    public SyncProcessor(DirectoryClient directory, UserRepository users, Validator validator, SyncConfig config,
            @ConfigProperty(name = "quarkus.datasource.reactive.max-size") int poolMaxSize, MeterRegistry meters) {
        this.directory = directory;
        this.users = users;
        this.validator = validator;
        this.config = config;
        this.upserts = new Permits(Math.min(config.maxInFlight(), poolMaxSize));
        this.itemBudget = config.directory().timeout().plus(config.upsert().timeout());
        this.inFlight = meters.gauge(MeterConfig.SYNC_IN_FLIGHT, new AtomicInteger());
        this.processed = meters.counter(MeterConfig.SYNC_ITEMS, "outcome", "processed");
        this.failed = meters.counter(MeterConfig.SYNC_ITEMS, "outcome", "failed");
        this.batchDuration = meters.timer(MeterConfig.SYNC_BATCH);
    }

    /** Each id on its own; the outcomes are in the order of the ids. */
    public Uni<List<ItemOutcome>> syncEach(List<Long> userIds, Deadline deadline) {
        List<List<Long>> singles = userIds.stream().map(List::of).toList();
        return syncInOrder(singles, deadline)
                .map(groups -> groups.stream().flatMap(List::stream).toList());
    }

    /**
     * Groups side by side (bounded as the class says), each group in its order: the first
     * failure in a group stops it, and its later items fail with
     * {@value #EARLIER_IN_GROUP_FAILED}. The outcomes are in the order of the groups and items.
     */
    public Uni<List<List<ItemOutcome>>> syncInOrder(List<List<Long>> groups, Deadline deadline) {
        List<Group> indexed = IntStream.range(0, groups.size()).mapToObj(i -> new Group(i, groups.get(i))).toList();
        return Uni.createFrom().deferred(() -> timed(Multi.createFrom().iterable(indexed)
                .onItem().transformToUni(group -> syncGroup(group, deadline)).merge(config.maxInFlight())
                .collect().asList()
                .chain(this::advanceIdentity)
                .map(SyncProcessor::inGroupOrder)
                .invoke(this::countOutcomes)));
    }

    private <T> Uni<T> timed(Uni<T> batch) {
        long started = System.nanoTime();
        return batch.onTermination().invoke(() -> batchDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
    }

    private void countOutcomes(List<List<ItemOutcome>> groups) {
        groups.stream().flatMap(List::stream).forEach(item -> (item.succeeded() ? processed : failed).increment());
    }

    private Uni<GroupOutcome> syncGroup(Group group, Deadline deadline) {
        AtomicBoolean stopped = new AtomicBoolean();
        return Multi.createFrom().iterable(group.userIds())
                .onItem().transformToUniAndConcatenate(userId -> syncUnlessStopped(userId, stopped, deadline))
                .collect().asList()
                .map(outcomes -> new GroupOutcome(group.index(), outcomes));
    }

    /** Deferred, so the check happens when the item's turn comes, after the one before it ended. */
    private Uni<ItemOutcome> syncUnlessStopped(long userId, AtomicBoolean stopped, Deadline deadline) {
        return Uni.createFrom().deferred(() -> {
            if (stopped.get()) {
                return Uni.createFrom().item(ItemOutcome.failed(userId, EARLIER_IN_GROUP_FAILED));
            }
            return syncOne(userId, deadline)
                    .invoke(outcome -> stopIfFailed(outcome, stopped));
        });
    }

    private static void stopIfFailed(ItemOutcome outcome, AtomicBoolean stopped) {
        if (!outcome.succeeded()) {
            stopped.set(true);
        }
    }

    private Uni<ItemOutcome> syncOne(long userId, Deadline deadline) {
        if (deadline.remaining().compareTo(itemBudget) < 0) {
            return Uni.createFrom().item(ItemOutcome.failed(userId, NOT_STARTED));
        }
        return directory.personOf(userId, deadline)
                .onSubscription().invoke(inFlight::incrementAndGet)
                .onTermination().invoke(inFlight::decrementAndGet)
                .map(person -> checked(userId, person))
                .chain(person -> store(person, deadline))
                .replaceWith(ItemOutcome.synced(userId))
                .onFailure().recoverWithItem(failure -> ItemOutcome.failed(userId, reasonFor(userId, failure)));
    }

    private DirectoryPerson checked(long userId, DirectoryPerson person) {
        if (person == null) {
            throw new SyncItemException("directory sent an empty answer");
        }
        Set<ConstraintViolation<DirectoryPerson>> violations = validator.validate(person);
        if (!violations.isEmpty()) {
            String broken = violations.stream()
                    .map(violation -> violation.getPropertyPath() + " " + violation.getMessage())
                    .sorted()
                    .collect(Collectors.joining("; "));
            throw new SyncItemException("directory sent an invalid person: " + broken);
        }
        if (person.id() != userId) {
            throw new SyncItemException("directory answered with another id");
        }
        return person;
    }

    /** One statement under a database permit, bounded by its own timeout and the batch's deadline. */
    private Uni<Void> store(DirectoryPerson person, Deadline deadline) {
        Uni<Void> upsert = upserts.run(() -> users.upsert(person.id(), person.email(), person.displayName(), person.plan()))
                .onFailure(EmailTakenException.class).transform(taken -> new SyncItemException(EMAIL_TAKEN))
                .onFailure(failure -> !(failure instanceof SyncItemException))
                .transform(failure -> new SyncItemException(NOT_STORED, failure));
        return deadline.bound(upsert, config.upsert().timeout(), () -> new SyncItemException(NOT_STORED_IN_TIME));
    }

    /**
     * Once per batch, after its upserts: moves the identity sequence past the highest id
     * stored. If that fails, the stored items are reported failed, so that their retry
     * (a no-op upsert) tries again; they are not half-written, only not yet safe for
     * {@code POST /users}.
     */
    private Uni<List<GroupOutcome>> advanceIdentity(List<GroupOutcome> outcomes) {
        long highest = outcomes.stream()
                .flatMap(group -> group.outcomes().stream())
                .filter(ItemOutcome::succeeded)
                .mapToLong(ItemOutcome::userId)
                .max()
                .orElse(0);
        if (highest == 0) {
            return Uni.createFrom().item(outcomes);
        }
        return upserts.run(() -> users.advanceIdentityPast(highest))
                .ifNoItem().after(config.upsert().timeout()).fail()
                .replaceWith(outcomes)
                .onFailure().recoverWithItem(failure -> identityNotAdvanced(outcomes, failure));
    }

    private static List<GroupOutcome> identityNotAdvanced(List<GroupOutcome> outcomes, Throwable failure) {
        LOG.errorf(failure, "Sync could not advance the users id sequence; the batch's stored items are reported failed");
        return outcomes.stream()
                .map(group -> new GroupOutcome(group.index(), group.outcomes().stream()
                        .map(item -> item.succeeded() ? ItemOutcome.failed(item.userId(), IDENTITY_NOT_ADVANCED) : item)
                        .toList()))
                .toList();
    }

    private static String reasonFor(long userId, Throwable failure) {
        if (failure instanceof SyncItemException || failure instanceof NotInDirectoryException
                || failure instanceof ProblemException) {
            // Our own failures (an upstream's included) say what happened without internals.
            if (failure.getCause() != null) {
                LOG.warnf(failure.getCause(), "Sync of user %d: %s", userId, failure.getMessage());
            } else {
                LOG.debugf("Sync of user %d: %s", userId, failure.getMessage());
            }
            return failure.getMessage();
        }
        LOG.errorf(failure, "Sync of user %d failed unexpectedly", userId);
        return UNEXPECTED;
    }

    private static List<List<ItemOutcome>> inGroupOrder(List<GroupOutcome> outcomes) {
        return outcomes.stream()
                .sorted(Comparator.comparingInt(GroupOutcome::index))
                .map(GroupOutcome::outcomes)
                .toList();
    }

    private record Group(int index, List<Long> userIds) {
    }

    private record GroupOutcome(int index, List<ItemOutcome> outcomes) {
    }
}
