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
 * <p>
 * This package names no feature's meter: each feature (and toolkit) that owns a timer
 * produces its own filter with {@link #of}, beside the meter's name. Only the HTTP
 * server's timer, which every route shares, is named here.
 */
public final class LatencyHistograms {

    static final String HTTP_SERVER_REQUESTS = "http.server.requests";

    /** A filter that gives the named timers the latency histogram, and leaves every other meter alone. */
    public static MeterFilter of(String... meterNames) {
        Set<String> names = Set.of(meterNames);
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!names.contains(id.getName())) {
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

    @Produces
    @Singleton
    MeterFilter serverRequests() {
        return of(HTTP_SERVER_REQUESTS);
    }
}
