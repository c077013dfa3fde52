package dev.fanout.sync;

import jakarta.enterprise.context.ApplicationScoped;

import dev.fanout.sync.client.DirectoryPerson;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What sync writes, on the reactive pool directly rather than through Hibernate
 * Reactive: a batch runs several upserts at once from one request, and a Panache
 * session (one per Vert.x context) must not be shared between concurrent operations.
 * Each upsert runs alone, so it is its own transaction: an item is written whole or
 * not at all, and one item's failure never rolls back another's. The identity step
 * (advisory lock, then {@code setval}) is one transaction of its own, once per batch.
 */
@ApplicationScoped
public class SyncedUserRepository {

    /**
     * Inserts the person under the directory's id, or updates the row to match; a row that
     * already matches keeps its {@code updated_at}, so replaying a message leaves it identical.
     */
    static final String UPSERT = """
            INSERT INTO users (id, email, display_name, plan, created_at, updated_at)
            VALUES ($1, $2, $3, $4, now(), now())
            ON CONFLICT (id) DO UPDATE SET
                email = EXCLUDED.email,
                display_name = EXCLUDED.display_name,
                plan = EXCLUDED.plan,
                updated_at = CASE
                    WHEN (users.email, users.display_name, users.plan)
                        IS DISTINCT FROM (EXCLUDED.email, EXCLUDED.display_name, EXCLUDED.plan)
                    THEN EXCLUDED.updated_at
                    ELSE users.updated_at
                END
            """;

    /**
     * Explicit ids bypass the identity sequence; this moves it past the highest id sync
     * wrote, so that {@code POST /users} never draws one. Forward only: a sequence already
     * past that id is left alone.
     */
    static final String ADVANCE_IDENTITY = """
            SELECT setval(pg_get_serial_sequence('users', 'id'), $1)
            WHERE $1 > COALESCE(pg_sequence_last_value(pg_get_serial_sequence('users', 'id')::regclass), 0)
            """;

    /** Serialises concurrent batches' sequence updates, so that a lower one never lands after a higher one. */
    static final String LOCK_IDENTITY = "SELECT pg_advisory_xact_lock($1)";
    static final long IDENTITY_LOCK_KEY = 0x66616e6f75742e31L; // "fanout.1"

    private final Pool pool;

    public SyncedUserRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> upsert(DirectoryPerson person) {
        return pool.preparedQuery(UPSERT)
                .execute(Tuple.of(person.id(), person.email(), person.displayName(), person.plan()))
                .replaceWithVoid();
    }

    public Uni<Void> advanceIdentityPast(long highestId) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_IDENTITY)
                .execute(Tuple.of(IDENTITY_LOCK_KEY))
                .chain(() -> connection.preparedQuery(ADVANCE_IDENTITY).execute(Tuple.of(highestId))))
                .replaceWithVoid();
    }
}
