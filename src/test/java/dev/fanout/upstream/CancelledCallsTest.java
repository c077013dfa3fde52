package dev.fanout.upstream;

import static dev.fanout.local.UpstreamStandIn.Behaviour.healthy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fanout.concurrent.Deadline;
import dev.fanout.local.UpstreamStandIn;
import dev.fanout.profile.client.BillingAccount;
import dev.fanout.profile.client.BillingClient;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.UpstreamStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/**
 * Calls cancelled right after they start, before the pool has lent them a connection
 * ({@link HttpExchange}): the window in which a request could be dropped unsent and keep
 * its connection leased until the 5 s read timeout (the Quarkus REST client did that).
 */
@QuarkusTest
@TestProfile(CancelledCallsTest.PoolOf64.class)
@QuarkusTestResource(UpstreamStandInResource.class)
class CancelledCallsTest {

    /** The client's pool here: smaller than the calls cancelled, which is what the test needs (the default is 256). */
    private static final int POOL = 64;

    public static class PoolOf64 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fanout.upstream.connection-pool-size", String.valueOf(POOL));
        }
    }

    /**
     * More than the client's pool. The bulkhead admits {@link #POOL} and the rest wait, since
     * a slot is held until the request is reset; were a slot freed when the caller left, all
     * 200 would get in, and requests dropped unsent would lease the whole pool.
     */
    private static final int CANCELLED_CALLS = 200;
    /** Not one of the cancelled calls' ids (1..200). */
    private static final long FRESH_USER_ID = CANCELLED_CALLS + 7;

    @Inject
    BillingClient billing;

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    @BeforeEach
    void healthyUpstreams() {
        upstreams.reset();
    }

    @Test
    void callsCancelledBeforeTheirConnectionLeaveThePoolFree() {
        upstreams.upstream("billing", healthy().after(Duration.ofSeconds(3)));

        List<UniAssertSubscriber<BillingAccount>> cancelled = IntStream.range(0, CANCELLED_CALLS)
                .mapToObj(i -> billing.accountOf(i + 1, Deadline.after(Duration.ofSeconds(2)))
                        .subscribe().withSubscriber(UniAssertSubscriber.<BillingAccount>create()))
                .toList();
        cancelled.forEach(UniAssertSubscriber::cancel);

        // Both at once: on a busy machine a cancelled call's request can still arrive (and be reset) after
        // the line emptied. Within the stub's 3 s: a request that was not reset would be answered, not aborted.
        await().atMost(Duration.ofMillis(2500)).untilAsserted(() -> {
            assertThat(upstreams.inFlight()).as("requests of cancelled calls still open at the upstream").isZero();
            assertThat(upstreams.exchanges("billing")).as("a cancelled call's request, if it was sent at all, is aborted")
                    .allMatch(UpstreamStandIn.Exchange::aborted);
        });
        assertThat(upstreams.maxInFlight()).as("never more at once than the client's pool").isLessThanOrEqualTo(POOL);

        upstreams.reset();
        // Within billing's own 1 s timeout: a leased-away pool would make this wait for the 5 s read timeout.
        BillingAccount account = billing.accountOf(FRESH_USER_ID, Deadline.after(Duration.ofSeconds(2)))
                .subscribe().withSubscriber(UniAssertSubscriber.create())
                .awaitItem(Duration.ofSeconds(3)).getItem();
        assertThat(account).isNotNull();
        // By its own id: on a busy machine a cancelled call's request may still arrive after the reset.
        assertThat(upstreams.exchanges("billing")).filteredOn(exchange -> exchange.path.endsWith("/" + FRESH_USER_ID))
                .hasSize(1);
    }
}
