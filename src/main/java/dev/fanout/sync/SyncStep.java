package dev.fanout.sync;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.fanout.concurrent.Deadline;
import dev.fanout.concurrent.Permits;
import dev.fanout.problem.ProblemException;
import dev.fanout.sync.ItemOutcome.Reason;
import dev.fanout.sync.client.DirectoryClient;
import dev.fanout.sync.client.DirectoryPerson;
import dev.fanout.sync.client.NotInDirectoryException;
import dev.fanout.users.EmailTakenException;
import dev.fanout.users.UserRepository;
import io.smallrye.mutiny.Uni;

/**
 * What sync does to one user id: fetch the person from directory (checked there), then
 * upsert it into {@code users}, in one statement, so an item is written whole or not at all.
 * Its one failure is a {@link SyncItemException} whose message is the item's reason.
 * <p>
 * Upserts of every batch together hold at most as many connections as the pool has, and never
 * more than {@code max-in-flight}: one {@link Permits} for the whole function, which the
 * once-per-batch {@link #advanceIdentityPast} shares.
 */
@ApplicationScoped
public class SyncStep {

    private static final Logger LOG = Logger.getLogger(SyncStep.class);

    private final DirectoryClient directory;
    private final UserRepository users;
    private final Duration upsertTimeout;
    private final Duration budget;
    private final Permits upserts;

    public SyncStep(DirectoryClient directory, UserRepository users, SyncConfig config,
            @ConfigProperty(name = "quarkus.datasource.reactive.max-size") int poolMaxSize) {
        this.directory = directory;
        this.users = users;
        this.upsertTimeout = config.upsert().timeout();
        this.budget = config.directory().timeout().plus(upsertTimeout);
        this.upserts = new Permits(Math.min(config.maxInFlight(), poolMaxSize));
    }

    /** The most one item can take: its fetch's timeout and its upsert's. An item starts only with this much left. */
    public Duration budget() {
        return budget;
    }

    public Uni<Void> sync(long userId, Deadline deadline) {
        return directory.personOf(userId, deadline)
                .chain(person -> store(person, deadline))
                .onFailure().transform(failure -> asItemFailure(userId, failure));
    }

    /** Once per batch, after its upserts, under the same permits and the upsert's timeout. */
    public Uni<Void> advanceIdentityPast(long highestId) {
        return upserts.run(() -> users.advanceIdentityPast(highestId))
                .ifNoItem().after(upsertTimeout).fail();
    }

    /** One statement under a database permit, bounded by its own timeout and the batch's deadline. */
    private Uni<Void> store(DirectoryPerson person, Deadline deadline) {
        Uni<Void> upsert = upserts.run(() -> users.upsert(person.id(), person.email(), person.displayName(), person.plan()))
                .onFailure(EmailTakenException.class).transform(taken -> new SyncItemException(Reason.EMAIL_TAKEN.text))
                .onFailure(failure -> !(failure instanceof SyncItemException))
                .transform(failure -> new SyncItemException(Reason.NOT_STORED.text, failure));
        return deadline.bound(upsert, upsertTimeout, () -> new SyncItemException(Reason.NOT_STORED_IN_TIME.text));
    }

    private static SyncItemException asItemFailure(long userId, Throwable failure) {
        if (failure instanceof SyncItemException || failure instanceof NotInDirectoryException
                || failure instanceof ProblemException) {
            // Our own failures (an upstream's included) say what happened without internals.
            if (failure.getCause() != null) {
                LOG.warnf(failure.getCause(), "Sync of user %d: %s", userId, failure.getMessage());
            } else {
                LOG.debugf("Sync of user %d: %s", userId, failure.getMessage());
            }
            return failure instanceof SyncItemException item ? item : new SyncItemException(failure.getMessage());
        }
        LOG.errorf(failure, "Sync of user %d failed unexpectedly", userId);
        return new SyncItemException(Reason.UNEXPECTED.text, failure);
    }
}
