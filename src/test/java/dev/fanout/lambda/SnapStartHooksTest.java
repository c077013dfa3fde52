package dev.fanout.lambda;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.fanout.database.TimeBoundedPgPoolCreator;
import dev.fanout.support.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The snapshot hooks called as the runtime (or the Web Adapter) calls them: before the
 * checkpoint no connection is left open, and after the restore requests work on
 * connections of their own, not on any from before the snapshot.
 */
@QuarkusTest
class SnapStartHooksTest {

    private static final Duration QUERY = Duration.ofSeconds(10);

    @Inject
    SnapStartHooks hooks;

    @Inject
    TimeBoundedPgPoolCreator pools;

    @Inject
    Pool pool;

    @Test
    void afterTheHooksRequestsWorkOnFreshConnections() throws Exception {
        long id = TestUsers.create();
        int before = backendPid();

        hooks.beforeCheckpoint(null);
        assertThat(pools.pool()).hasValueSatisfying(reopened -> assertThat(reopened.size())
                .as("connections open in the snapshot").isZero());
        hooks.afterRestore(null);

        given().get("/users/" + id).then().statusCode(200);
        TestUsers.create();
        assertThat(backendPid()).as("a connection opened after the restore").isNotEqualTo(before);
        assertThat(sessionsOf(before)).as("the server's session of the connection from before the snapshot").isZero();
    }

    @Test
    void theWebAdapterReachesTheHooksOverLoopbackHttp() {
        long id = TestUsers.create();

        given().post(SnapStartHooks.BEFORE_CHECKPOINT).then().statusCode(204);
        given().post(SnapStartHooks.AFTER_RESTORE).then().statusCode(204);

        given().get("/users/" + id).then().statusCode(200);
    }

    private int backendPid() {
        return pool.query("SELECT pg_backend_pid()").execute().await().atMost(QUERY).iterator().next().getInteger(0);
    }

    private long sessionsOf(int pid) {
        return pool.preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = $1").execute(Tuple.of(pid))
                .await().atMost(QUERY).iterator().next().getLong(0);
    }
}
