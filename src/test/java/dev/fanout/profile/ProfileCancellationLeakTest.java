package dev.fanout.profile;

import static dev.fanout.local.UpstreamStandIn.Behaviour.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.EmbeddedPostgresControl;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.TestUsers;
import dev.fanout.support.UpstreamStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A required part fails while the user's read is still waiting on the database.
 * Cancelling the read must give its connection back: afterwards nothing of ours is
 * left active in PostgreSQL, and the next burst is served normally.
 */
@QuarkusTest
@QuarkusTestResource(UpstreamStandInResource.class)
class ProfileCancellationLeakTest {

    private static final int CANCELLED_REQUESTS = 500;
    private static final int FOLLOWING_BURST = 50;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "quarkus.datasource.reactive.max-size")
    int poolMaxSize;

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void healthyUpstreams() {
        upstreams.reset();
    }

    @Test
    void cancelledDatabaseReadsLeakNoConnection() throws Exception {
        long userId = TestUsers.create();
        warmUp(userId);
        upstreams.upstream("billing", status(500));

        List<HttpResponse<String>> answers;
        try (Connection admin = adminConnection()) {
            lockUsersTable(admin); // every read of users now waits, "still running"
            answers = fire(CANCELLED_REQUESTS, userId);
            assertThat(backendsWaitingOnALock()).as("reads were really waiting on the lock when their requests ended").isPositive();
            admin.rollback(); // the lock goes; reads still queued may now run, then must let go
        }

        // A required part ends each request: billing's 500 (502), the read's own timeout (504), or the pool's
        // full line refusing the read at once (503). Which comes first depends on the load on two cores;
        // in every case the reads still waiting on the database are cancelled. Never a 500, never a hang.
        assertThat(answers).as(distinctBodies(answers)).extracting(HttpResponse::statusCode).isSubsetOf(502, 503, 504);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(busyBackends()).isZero());
        assertThat(openBackends()).as("the pool stays within its size").isLessThanOrEqualTo(poolMaxSize + 2);

        upstreams.reset();
        List<HttpResponse<String>> following = fire(FOLLOWING_BURST, userId);
        assertThat(following).as(distinctBodies(following) + "; billing requests that reached the stub: "
                + upstreams.exchanges("billing").size()).extracting(HttpResponse::statusCode).containsOnly(200);
    }

    private static String distinctBodies(List<HttpResponse<String>> answers) {
        return "distinct problems: " + answers.stream().filter(answer -> answer.statusCode() != 200)
                .map(HttpResponse::body).distinct().limit(5).toList();
    }

    /**
     * On a cold JVM the first concurrent reads outlast their 1 s timeout; this test is about
     * cancellation, not cold starts, so it waits until a whole burst is served.
     */
    private void warmUp(long userId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> fire(FOLLOWING_BURST, userId).stream()
                .allMatch(answer -> answer.statusCode() == 200));
    }

    private List<HttpResponse<String>> fire(int count, long userId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/users/" + userId + "/profile"))
                .timeout(ANSWER_WITHIN)
                .GET().build();
        return IntStream.range(0, count)
                .mapToObj(i -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList().stream()
                .map(CompletableFuture::join)
                .toList();
    }

    private static Connection adminConnection() throws SQLException {
        Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + EmbeddedPostgresControl.port() + "/postgres", "postgres", "postgres");
        connection.setAutoCommit(false);
        return connection;
    }

    private static void lockUsersTable(Connection admin) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
        }
    }

    /** Backends of the app's pool that are doing something (not idle). */
    private static int busyBackends() throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                + "AND pid <> pg_backend_pid() AND state <> 'idle'");
    }

    private static int backendsWaitingOnALock() throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
    }

    private static int openBackends() throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
    }

    private static int count(String sql) throws SQLException {
        try (Connection connection = adminConnection(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getInt(1);
        }
    }
}
