package dev.fanout.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Fails when the Vert.x SQL client changes how it reports the two failures that {@link VertxSqlFailures} reads. */
class VertxSqlFailuresTest {

    private static final Duration ACQUIRE_TIMEOUT = Duration.ofMillis(200);
    private static final Duration WAIT_AT_MOST = Duration.ofSeconds(10);
    /** The pooled connection's class, which words the "not active" failure (Vert.x 4.5). */
    private static final String CONNECTION_CLASS = "io/vertx/sqlclient/impl/SocketConnectionBase.class";

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_AT_MOST.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aRealPoolsAcquisitionTimeoutIsRecognised() throws Exception {
        // A server that accepts the connection and never answers PostgreSQL's startup message:
        // the pool's only connection never becomes ready, so the acquisition's timeout passes.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Pool pool = PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(1)
                            .setConnectionTimeout((int) ACQUIRE_TIMEOUT.toMillis())
                            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
                    .connectingTo(new PgConnectOptions().setHost(silent.getInetAddress().getHostAddress())
                            .setPort(silent.getLocalPort()).setDatabase("any").setUser("any"))
                    .using(vertx)
                    .build();
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            pool.getConnection().onComplete(result -> failure.complete(result.cause()));

            Throwable timeout = failure.get(WAIT_AT_MOST.toSeconds(), TimeUnit.SECONDS);

            assertThat(timeout).isInstanceOf(NoStackTraceThrowable.class);
            assertThat(VertxSqlFailures.isAcquireTimeout(timeout)).as("%s", timeout).isTrue();
            assertThat(VertxSqlFailures.isConnectionNotActive(timeout)).isFalse();
        }
    }

    @Test
    void thePooledConnectionStillWordsItsClosedFailureAsTheAdapterReadsIt() throws IOException {
        // A closed connection is only met with a real server going away under it; the wording
        // is a constant of the connection's class, so its presence there is what is checked.
        try (InputStream connectionClass = Vertx.class.getClassLoader().getResourceAsStream(CONNECTION_CLASS)) {
            assertThat(connectionClass).as(CONNECTION_CLASS).isNotNull();
            String constants = new String(connectionClass.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(constants).contains(VertxSqlFailures.CONNECTION_NOT_ACTIVE, NoStackTraceThrowable.class.getName().replace('.', '/'));
        }
        assertThat(VertxSqlFailures.isConnectionNotActive(
                new NoStackTraceThrowable(VertxSqlFailures.CONNECTION_NOT_ACTIVE + ", current status: CLOSED"))).isTrue();
    }
}
