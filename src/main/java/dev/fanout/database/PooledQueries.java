package dev.fanout.database;

import java.util.function.Supplier;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.fanout.concurrent.Permits;
import dev.fanout.concurrent.PermitsExhaustedException;
import dev.fanout.concurrent.WaitTimes;
import io.smallrye.mutiny.Uni;

/**
 * The line in front of the reactive pool for one-statement queries outside a session.
 * <p>
 * Why not the pool's own line: a caller that gives up (its deadline passed, a sibling
 * failed) cannot leave the Vert.x pool's wait queue. It keeps its place, takes the next
 * free connection and runs its query for nobody, so under overload the pool serves the
 * dead before the living. Here a caller waits in {@link Permits}, which it leaves the moment
 * it is cancelled; one permit per pooled connection, held until the query has really ended
 * (the pool cannot stop a query it has sent, so the connection is busy until then), means a
 * query that holds a permit never waits inside the pool.
 */
@Singleton
public class PooledQueries {

    private final Permits connections;

    public PooledQueries(@ConfigProperty(name = "quarkus.datasource.reactive.max-size") int poolSize,
            DatabaseConfig config, WaitTimes waitTimes) {
        this.connections = new Permits(poolSize, config.maxWaitQueue(), waitTimes.line());
    }

    /** Runs {@code query} once a pooled connection is free; a full line is {@link DatabaseBusyException}. */
    public <T> Uni<T> run(Supplier<Uni<T>> query) {
        return connections.runUntilReleased(release -> releasedWhenDone(query, release))
                .onFailure(PermitsExhaustedException.class).transform(DatabaseBusyException::new);
    }

    /**
     * The query's outcome for the caller, and the permit back only once the query has ended:
     * a caller that cancels stops waiting at once, while the query finishes on its connection.
     */
    private static <T> Uni<T> releasedWhenDone(Supplier<Uni<T>> query, Runnable release) {
        return Uni.createFrom().emitter(emitter -> query.get().subscribe().with(
                item -> {
                    release.run();
                    emitter.complete(item);
                },
                failure -> {
                    release.run();
                    emitter.fail(failure);
                }));
    }
}
