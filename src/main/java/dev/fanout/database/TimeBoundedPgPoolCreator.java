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
 */
@Singleton
public class TimeBoundedPgPoolCreator implements PgPoolCreator {

    private final DatabaseConfig config;
    private final Optional<String> credentialsKey;
    private final DatabaseCredentialsProvider credentialsProvider;

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
        if (credentialsKey.isEmpty()) {
            return pool.connectingTo(List.<SqlConnectOptions>copyOf(resolvedAtStart)).build();
        }
        Supplier<Future<PgConnectOptions>> withFreshCredentials =
                new ConnectOptionsSupplier<>(credentialsProvider, credentialsKey.get(), resolvedAtStart, PgConnectOptions::new);
        return pool.connectingTo(() -> withFreshCredentials.get().map(SqlConnectOptions.class::cast)).build();
    }
}
