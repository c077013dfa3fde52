package dev.fanout.users;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.exception.ConstraintViolationException;

import dev.fanout.database.PooledQueries;
import dev.fanout.errors.Causes;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Every statement on {@code users}. Two ways in:
 * <ul>
 * <li>Panache, for the CRUD of {@code /users}: callers own the session or transaction scope;</li>
 * <li>the reactive pool directly, one statement per operation outside any session, where a
 * session does not fit: {@link #findView} (a cancelled fan-out, see there), and the writes of
 * sync ({@link #upsert}, {@link #advanceIdentityPast}), whose batch runs several at once from
 * one request, while a Panache session (one per Vert.x context) must not be shared between
 * concurrent operations. Each such statement is its own transaction, so one item's failure
 * never rolls back another's.</li>
 * </ul>
 */
@ApplicationScoped
public class UserRepository implements PanacheRepository<User> {

    /*
     * The statements are literal SQL, never built (RepositoryScanTest); UserStatementsTest checks
     * that their column lists, the entity's and the migration's are the same columns.
     */

    static final String SELECT_VIEW =
            "SELECT id, email, display_name, plan, created_at, updated_at FROM users WHERE id = $1";

    /**
     * Inserts a user under a given id, or updates the row to match; a row that already matches
     * keeps its {@code updated_at}, so replaying the same write leaves it identical.
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
     * Explicit ids bypass the identity sequence; this moves it past the highest id written
     * that way, so that {@link #create} never draws one. Forward only: a sequence already
     * past that id is left alone.
     */
    static final String ADVANCE_IDENTITY = """
            SELECT setval(pg_get_serial_sequence('users', 'id'), $1)
            WHERE $1 > COALESCE(pg_sequence_last_value(pg_get_serial_sequence('users', 'id')::regclass), 0)
            """;

    /** Serialises concurrent sequence updates, so that a lower one never lands after a higher one. */
    static final String LOCK_IDENTITY = "SELECT pg_advisory_xact_lock($1)";
    static final long IDENTITY_LOCK_KEY = 0x66616e6f75742e31L; // "fanout.1"

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String EMAIL_CONSTRAINT = "users_email_key";

    private final Pool pool;
    private final PooledQueries queries;

    public UserRepository(Pool pool, PooledQueries queries) {
        this.pool = pool;
        this.queries = queries;
    }

    /**
     * The user as the API shows it, in one pooled query outside Hibernate's session.
     * The pool runs acquire, query and release as one operation, so cancelling the
     * caller (a fan-out whose required sibling failed) only drops the answer: the
     * connection always goes back. A Hibernate Reactive session cancelled while its
     * connection is still being acquired never releases that connection once granted,
     * which a storm of cancellations turns into an empty pool. It waits for a connection in
     * {@link PooledQueries}' line, which a cancelled caller leaves at once.
     */
    public Uni<UserView> findView(long id) {
        return queries.run(() -> pool.preparedQuery(SELECT_VIEW).execute(Tuple.of(id)))
                .map(rows -> rows.iterator().hasNext() ? viewOf(rows.iterator().next()) : null)
                .onItem().ifNull().failWith(() -> new UserNotFoundException(id));
    }

    private static UserView viewOf(Row row) {
        return new UserView(row.getLong("id"), row.getString("email"), row.getString("display_name"),
                row.getString("plan"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant());
    }

    /**
     * One {@code DELETE} statement, not Panache's {@code deleteById} (load, remove, flush):
     * under concurrent deletes that flush path sometimes resumed on another event loop and
     * failed with HR000069 (a 500; found by the fuzz test, quarkusio/quarkus#41945).
     */
    public Uni<Boolean> deleteOne(long id) {
        return delete("id", id).map(count -> count > 0);
    }

    public Uni<User> findExisting(long id) {
        return findById(id)
                .onItem().ifNull().failWith(() -> new UserNotFoundException(id));
    }

    /** Keyset pagination: the next {@code size} users with an id above {@code afterId}, in id order. */
    public Uni<List<User>> pageAfter(long afterId, int size) {
        return find("id > ?1", Sort.by("id"), afterId)
                .range(0, size - 1)
                .list();
    }

    /** Inserts, and flushes at once so that a taken email surfaces here as a 409, not at commit. */
    public Uni<User> create(CreateUserRequest request) {
        User user = new User();
        user.email = request.email();
        user.displayName = request.displayName();
        user.plan = request.plan();
        user.createdAt = now();
        user.updatedAt = user.createdAt;
        return persistAndFlush(user)
                .onFailure(UserRepository::isEmailTaken).transform(taken -> new EmailTakenException());
    }

    public Uni<User> update(User user, UpdateUserRequest changes) {
        if (changes.email() != null) {
            user.email = changes.email();
        }
        if (changes.displayName() != null) {
            user.displayName = changes.displayName();
        }
        if (changes.plan() != null) {
            user.plan = changes.plan();
        }
        user.updatedAt = now();
        return flush()
                .replaceWith(user)
                .onFailure(UserRepository::isEmailTaken).transform(taken -> new EmailTakenException());
    }

    /**
     * Writes a user under the id it has elsewhere (sync's directory), in one statement on the
     * pool: see {@link #UPSERT}. An email that another user has is {@link EmailTakenException}.
     * The identity sequence is not moved; {@link #advanceIdentityPast} does that, once for many.
     */
    public Uni<Void> upsert(long id, String email, String displayName, String plan) {
        return pool.preparedQuery(UPSERT)
                .execute(Tuple.of(id, email, displayName, plan))
                .onFailure(UserRepository::isEmailTaken).transform(taken -> new EmailTakenException())
                .replaceWithVoid();
    }

    /** After {@link #upsert}s: the advisory lock, then the sequence, in one transaction of its own. */
    public Uni<Void> advanceIdentityPast(long highestId) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_IDENTITY)
                .execute(Tuple.of(IDENTITY_LOCK_KEY))
                .chain(() -> connection.preparedQuery(ADVANCE_IDENTITY).execute(Tuple.of(highestId))))
                .replaceWithVoid();
    }

    /** PostgreSQL keeps microseconds; truncating here makes the answer equal what a later read returns. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** The email's unique constraint refused a write: from Hibernate Reactive, or the driver's raw error. */
    private static boolean isEmailTaken(Throwable failure) {
        return Causes.first(failure, cause -> cause instanceof ConstraintViolationException || cause instanceof PgException)
                .map(UserRepository::isEmailViolation)
                .orElse(false);
    }

    private static boolean isEmailViolation(Throwable violation) {
        if (violation instanceof ConstraintViolationException hibernate) {
            return EMAIL_CONSTRAINT.equals(hibernate.getConstraintName());
        }
        PgException pg = (PgException) violation;
        return UNIQUE_VIOLATION.equals(pg.getSqlState()) && EMAIL_CONSTRAINT.equals(pg.getConstraint());
    }
}
