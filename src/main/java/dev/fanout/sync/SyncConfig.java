package dev.fanout.sync;

import java.time.Duration;

import jakarta.validation.constraints.Positive;

import dev.fanout.upstream.UpstreamSettings;
import io.smallrye.config.ConfigMapping;

/**
 * Bounds of the sync worker ({@code POST /sync} and the SQS trigger). Values live in
 * {@code application.properties} under {@code ## Sync}.
 */
@ConfigMapping(prefix = "fanout.sync")
public interface SyncConfig {

    /**
     * How many items of one batch are in progress at once, and so the most directory
     * calls in flight. Upserts are bounded further, by the database pool's size.
     */
    @Positive
    int maxInFlight();

    /** The most user ids {@code POST /sync} takes; a larger batch is refused (413) before anything runs. */
    @Positive
    int maxBatchSize();

    /**
     * How long a batch may take from its arrival. The {@code Request-Timeout} header and
     * Lambda's remaining time can only lower it.
     */
    Duration batchDeadline();

    /** Kept back from the batch's deadline (and Lambda's) for the last upserts and the answer. */
    Duration safetyMargin();

    Directory directory();

    Upsert upsert();

    interface Directory extends UpstreamSettings {
        /**
         * One directory fetch. An item starts only while the batch has at least this plus
         * {@link Upsert#timeout()} left, so a started item is never cut short by the deadline.
         */
        Duration timeout();
    }

    interface Upsert {
        /** One upsert, waiting for a connection included; also bounds the identity-sequence update. */
        Duration timeout();
    }
}
