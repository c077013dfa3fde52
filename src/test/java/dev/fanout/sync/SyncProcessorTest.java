package dev.fanout.sync;

import static dev.fanout.local.UpstreamStandIn.Behaviour.healthy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fanout.concurrent.Deadline;
import dev.fanout.local.UpstreamStandIn;
import dev.fanout.support.InjectUpstreamStandIn;
import dev.fanout.support.UpstreamStandInResource;
import dev.fanout.support.UsersTable;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The processor itself, for a batch larger than {@code POST /sync} takes: the bound on
 * directory calls is per batch, whatever its size. (The test thread may wait; no request does.)
 */
@QuarkusTest
@QuarkusTestResource(UpstreamStandInResource.class)
class SyncProcessorTest {

    private static final int LARGE_BATCH = 200;
    private static final Duration DIRECTORY_LATENCY = Duration.ofMillis(40);

    @Inject
    SyncProcessor processor;

    @Inject
    SyncConfig config;

    @InjectUpstreamStandIn
    UpstreamStandIn upstreams;

    @BeforeEach
    void healthyUpstreams() {
        SyncWarmUp.once(upstreams);
        upstreams.reset();
    }

    @Test
    void directoryCallsInFlightNeverExceedTheConfiguredBound() {
        List<Long> ids = UsersTable.reserveIds(LARGE_BATCH);
        upstreams.upstream("directory", healthy().after(DIRECTORY_LATENCY));

        List<ItemOutcome> outcomes = processor.syncEach(ids, Deadline.after(config.batchDeadline()))
                .await().atMost(config.batchDeadline());

        assertThat(outcomes).hasSize(LARGE_BATCH).allMatch(ItemOutcome::succeeded);
        assertThat(outcomes).extracting(ItemOutcome::userId).containsExactlyElementsOf(ids);
        assertThat(upstreams.exchanges("directory")).hasSize(LARGE_BATCH);
        assertThat(upstreams.maxInFlight()).as("at most N at once, and more than one: the batch is concurrent")
                .isLessThanOrEqualTo(config.maxInFlight())
                .isGreaterThan(1);
        assertThat(UsersTable.rows(ids)).hasSize(LARGE_BATCH);
    }

    @Test
    void aGroupStopsAtItsFirstFailureWhileOtherGroupsGoOn() {
        List<Long> ids = UsersTable.reserveIds(6);
        upstreams.path("/directory/people/" + ids.get(1), UpstreamStandIn.Behaviour.status(500));
        List<List<Long>> groups = List.of(ids.subList(0, 3), ids.subList(3, 6));

        List<List<ItemOutcome>> outcomes = processor.syncInOrder(groups, Deadline.after(config.batchDeadline()))
                .await().atMost(config.batchDeadline());

        assertThat(outcomes.get(0)).extracting(ItemOutcome::succeeded).containsExactly(true, false, false);
        assertThat(outcomes.get(0).get(2).failure()).isEqualTo(ItemOutcome.Reason.EARLIER_IN_GROUP_FAILED.text);
        assertThat(outcomes.get(1)).allMatch(ItemOutcome::succeeded);
        assertThat(upstreams.exchanges("directory")).extracting(exchange -> exchange.path)
                .doesNotContain("/directory/people/" + ids.get(2));
    }
}
