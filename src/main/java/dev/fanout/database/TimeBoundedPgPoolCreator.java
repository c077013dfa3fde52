package dev.fanout.database;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.reactive.datasource.runtime.ConnectOptionsSupplier;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * Builds the reactive pool Quarkus configured, adding the bounds it has no key for:
 * the TCP connect timeout, the wait for a free connection, and the length of the
 * line of waiters. Without them a database outage or an overload would hold
 * requests for Vert.x's 30-second default, in a line with no end.
 * <p>
 * With a credentials provider (an IAM token or the database secret), every new connection asks it for
 * the user and password, as Quarkus's own pool does: Quarkus hands a pool creator only
 * the options it resolved at start, so a fresh token or a rotated password would otherwise never reach a
 * new connection.
 * <p>
 * What it returns is a {@link ReopenablePgPool}: the Lambda lifecycle (a snapshot, a thaw)
 * needs to drop every connection at once, which a Vert.x pool cannot.
 */
@Singleton
public class TimeBoundedPgPoolCreator implements PgPoolCreator {

    private final DatabaseConfig config;
    private final Optional<String> credentialsKey;
    private final DatabaseCredentialsProvider credentialsProvider;
    private volatile ReopenablePgPool created;

    public TimeBoundedPgPoolCreator(DatabaseConfig config,
            @ConfigProperty(name = "quarkus.datasource.credentials-provider") Optional<String> credentialsKey,
            DatabaseCredentialsProvider credentialsProvider) {
        this.config = config;
        this.credentialsKey = credentialsKey;
        this.credentialsProvider = credentialsProvider;
    }

    @Override
    public Pool create(Input input) {
        int connectTimeoutMillis = Math.toIntExact(config.connectTimeout().toMillis());
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout(connectTimeoutMillis);
        }
        input.poolOptions()
                .setConnectionTimeout(Math.toIntExact(config.acquireTimeout().toMillis()))
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxWaitQueueSize(config.maxWaitQueue());
        ClientBuilder<Pool> pool = PgBuilder.pool().with(input.poolOptions()).using(input.vertx());
        List<PgConnectOptions> resolvedAtStart = input.pgConnectOptionsList();
        Supplier<Pool> build;
        if (credentialsKey.isEmpty()) {
            build = () -> pool.connectingTo(List.<SqlConnectOptions>copyOf(resolvedAtStart)).build();
        } else {
            Supplier<Future<PgConnectOptions>> withFreshCredentials =
                    new ConnectOptionsSupplier<>(credentialsProvider, credentialsKey.get(), resolvedAtStart, PgConnectOptions::new);
            build = () -> pool.connectingTo(() -> withFreshCredentials.get().map(SqlConnectOptions.class::cast)).build();
        }
        ReopenablePgPool reopenable = new ReopenablePgPool(build, input.vertx(), config.idleCheckThreshold(), config.validateTimeout());
        created = reopenable;
        return reopenable;
    }

    /** The pool this creator built (Quarkus asks once, at start); empty before that. */
    public Optional<ReopenablePgPool> pool() {
        return Optional.ofNullable(created);
    }
}
