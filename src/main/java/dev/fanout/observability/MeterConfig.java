package dev.fanout.observability;

import java.time.Duration;
import java.util.Set;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Latency histograms for the meters whose percentiles matter: from the buckets,
 * Prometheus computes p50/p95/p99 per route with {@code histogram_quantile}, and the
 * EMF output hands CloudWatch the same distribution. Bounded to 1 ms .. 30 s so that
 * each timer keeps a few dozen buckets, not hundreds.
 */
public class MeterConfig {

    public static final String UPSTREAM_CALLS = "fanout.upstream.calls";
    /** Hedged calls by outcome: won, lost (the second request was sent), denied (no budget or time for it). */
    public static final String UPSTREAM_HEDGES = "fanout.upstream.hedges";
    public static final String PROFILE_DEGRADED = "fanout.profile.degraded";
    public static final String SYNC_ITEMS = "fanout.sync.items";
    public static final String SYNC_IN_FLIGHT = "fanout.sync.in.flight";
    public static final String SYNC_BATCH = "fanout.sync.batch";

    static final Set<String> WITH_HISTOGRAM = Set.of("http.server.requests", UPSTREAM_CALLS, SYNC_BATCH);

    @Produces
    @Singleton
    MeterFilter latencyHistograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!WITH_HISTOGRAM.contains(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                        .maximumExpectedValue((double) Duration.ofSeconds(30).toNanos())
                        .build()
                        .merge(config);
            }
        };
    }
}
