package dev.fanout.upstream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.fanout.observability.LatencyHistograms;
import io.micrometer.core.instrument.config.MeterFilter;

/** The upstream calls' meters: their names, and the latency histogram of every call. */
public final class UpstreamMeters {

    /** Every call, by upstream and outcome ({@link UpstreamCalls}). */
    public static final String CALLS = "fanout.upstream.calls";
    /** Hedged calls by outcome: won, lost, unanswered (the second request was sent), denied (no budget or time for it). */
    public static final String HEDGES = "fanout.upstream.hedges";

    @Produces
    @Singleton
    MeterFilter callHistograms() {
        return LatencyHistograms.of(CALLS);
    }
}
