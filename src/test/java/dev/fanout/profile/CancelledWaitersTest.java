package dev.fanout.profile;

import static dev.fanout.local.UpstreamStandIn.Behaviour.hang;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fanout.concurrent.Deadline;
import dev.fanout.database.PooledQueries;
import dev.fanout.local.UpstreamStandIn;
import dev.fanout.profile.client.BillingClient;
import dev.fanout.support.Burst;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.TestUsers;
import dev.fanout.support.UpstreamStandInResource;
import dev.fanout.users.UserRepository;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A call or a query that finds its pool busy waits in line; one that gives up while waiting
 * leaves the line and frees its place. After ten thousand cancelled waits on each pool, no
 * pooled connection or upstream slot is missing: a following burst is all 200, and the stub
 * never sees more requests at once than the pools allow.
 */
@QuarkusTest
@TestProfile(CancelledWaitersTest.SmallPools.class)
@QuarkusTestResource(UpstreamStandInResource.class)
class CancelledWaitersTest {

    private static final int CANCELLED_WAITS = 10_000;
    private static final int FOLLOWING_BURST = 32;
    private static final Deadline NO_HURRY = Deadline.after(Duration.ofMinutes(1));

    public static class SmallPools implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Small pools, so that a few held calls fill them; a long billing timeout, so that the
            // held calls stay held while the waits behind them are cancelled.
            // The burst's own reads get room: a lost slot would still show, as a burst that never completes.
            return Map.of("fanout.upstream.connection-pool-size", "4",
                    "quarkus.datasource.reactive.max-size", "4",
                    "fanout.profile.billing.timeout", "PT30S",
                    "fanout.profile.user.timeout", "PT5S",
                    "fanout.request.max-deadline", "PT10S");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ConfigProperty(name = "fanout.upstream.connection-pool-size")
    int upstreamConnections;

    @ConfigProperty(name = "quarkus.datasource.reactive.max-size")
    int databaseConnections;

    @ConfigProperty(name = "fanout.upstream.max-waiting")
    int upstreamLine;

    @ConfigProperty(name = "fanout.database.max-wait-queue")
    int databaseLine;

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    @Inject
    BillingClient billing;

    @Inject
    UserRepository users;

    @Inject
    PooledQueries queries;

    @Inject
    Pool pool;

    private long userId;

    @BeforeEach
    void aUserAndHealthyUpstreams() {
        upstreams.reset();
        userId = TestUsers.create();
    }

    @Test
    void cancelledWaitsForAnUpstreamConnectionLoseNoSlot() {
        upstreams.upstream("billing", hang());
        List<Cancellable> holders = new ArrayList<>();
        for (int i = 0; i < upstreamConnections; i++) {
            holders.add(billing.accountOf(userId, NO_HURRY).subscribe().with(ignored -> { }, ignored -> { }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> upstreams.inFlight() == upstreamConnections);

        cancelWhileWaiting(() -> billing.accountOf(userId, NO_HURRY), upstreamLine);

        assertThat(upstreams.maxInFlight()).as("no cancelled waiter reached billing").isEqualTo(upstreamConnections);
        holders.forEach(Cancellable::cancel); // their requests are reset, and their connections come back
        await().atMost(Duration.ofSeconds(10)).until(() -> upstreams.inFlight() == 0);
        upstreams.reset();

        assertBurstAllOk();
        assertThat(upstreams.maxInFlight()).as("billing, orders and recommendations, each within its pool")
                .isLessThanOrEqualTo(3 * upstreamConnections);
    }

    @Test
    void cancelledWaitsForADatabaseConnectionLoseNoConnection() {
        AtomicInteger holdersDone = new AtomicInteger();
        for (int i = 0; i < databaseConnections; i++) {
            queries.run(() -> pool.query("SELECT pg_sleep(2)").execute())
                    .subscribe().with(ignored -> holdersDone.incrementAndGet(), ignored -> holdersDone.incrementAndGet());
        }

        cancelWhileWaiting(() -> users.findView(userId), databaseLine);
        assertThat(holdersDone).as("every connection was still held while the waits were cancelled").hasValue(0);

        // The sleeping queries end on their own; their permits and connections come back then.
        await().atMost(Duration.ofSeconds(10)).until(() -> holdersDone.get() == databaseConnections);
        assertBurstAllOk();
    }

    /** Waits that are cancelled while in line, in rounds no larger than the line. */
    private static void cancelWhileWaiting(java.util.function.Supplier<Uni<?>> call, int line) {
        int round = Math.min(line, 1_000);
        for (int done = 0; done < CANCELLED_WAITS; done += round) {
            List<Cancellable> waiting = new ArrayList<>(round);
            for (int i = 0; i < round; i++) {
                waiting.add(call.get().subscribe().with(ignored -> { }, ignored -> { }));
            }
            waiting.forEach(Cancellable::cancel);
        }
    }

    private void assertBurstAllOk() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/users/" + userId + "/profile"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        List<HttpResponse<String>> answers = Burst.of(FOLLOWING_BURST, () -> request);
        assertThat(answers).as(Burst.problemsOf(answers)).extracting(HttpResponse::statusCode).containsOnly(200);
    }
}
