package dev.fanout.database;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * Builds the reactive pool Quarkus configured, adding the bounds it has no key for:
 * the TCP connect timeout, the wait for a free connection, and the length of the
 * line of waiters. Without them a database outage or an overload would hold
 * requests for Vert.x's 30-second default, in a line with no end.
 */
@Singleton
public class TimeBoundedPgPoolCreator implements PgPoolCreator {

    private final DatabaseConfig config;

    public TimeBoundedPgPoolCreator(DatabaseConfig config) {
        this.config = config;
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
        return PgBuilder.pool()
                .with(input.poolOptions())
                .connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList()))
                .using(input.vertx())
                .build();
    }
}
