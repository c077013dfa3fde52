package dev.fanout.sync;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.fanout.observability.LatencyHistograms;
import io.micrometer.core.instrument.config.MeterFilter;

/** The sync batches' meters: their names, and the latency histogram of a batch. */
final class SyncMeters {

    /** Items synced, by outcome (processed, failed). */
    static final String ITEMS = "fanout.sync.items";
    /** Items running now, across batches. */
    static final String IN_FLIGHT = "fanout.sync.in.flight";
    /** A batch, from its first item to its last outcome. */
    static final String BATCH = "fanout.sync.batch";

    @Produces
    @Singleton
    MeterFilter batchHistogram() {
        return LatencyHistograms.of(BATCH);
    }
}
