package dev.fanout.upstream;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * When one upstream's calls are hedged: after its recent 95th-percentile latency, and only
 * while a budget allows, so that hedging adds at most {@code budget} more requests (5 %) and
 * can never become a retry storm when the upstream is slow for everyone.
 * <p>
 * The budget is a token bucket: every call earns {@code budget} of a token, a hedge spends a
 * whole one, and at most {@link #BURST} tokens are saved up.
 */
final class HedgePolicy {

    /** Calls observed before the percentile is trusted; until then nothing is hedged. */
    static final int WARM_SAMPLES = 50;
    private static final int WINDOW = 256;
    private static final int RECOMPUTE_EVERY = 16;
    private static final double BURST = 5;

    private final double budget;
    private final Duration minDelay;
    private final long[] latencies = new long[WINDOW]; // guarded by this, a ring of the latest successes
    private long recorded; // guarded by this
    private volatile long p95Nanos = -1;
    private double tokens; // guarded by this

    HedgePolicy(UpstreamSettings.Hedging settings) {
        this.budget = settings.budget();
        this.minDelay = settings.minDelay();
    }

    /** The delay after which a call is hedged, or empty while the percentile is not yet known. */
    Optional<Duration> delay() {
        long p95 = p95Nanos;
        if (p95 < 0) {
            return Optional.empty();
        }
        Duration delay = Duration.ofNanos(p95);
        return Optional.of(delay.compareTo(minDelay) < 0 ? minDelay : delay);
    }

    /** Every call earns its share of a hedge. */
    synchronized void called() {
        tokens = Math.min(BURST, tokens + budget);
    }

    /** Spends a hedge, if the budget has one. */
    synchronized boolean tryHedge() {
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    synchronized void answeredAfter(long nanos) {
        latencies[(int) (recorded++ % WINDOW)] = nanos;
        if (recorded >= WARM_SAMPLES && recorded % RECOMPUTE_EVERY == 0) {
            int size = (int) Math.min(recorded, WINDOW);
            long[] sorted = Arrays.copyOf(latencies, size);
            Arrays.sort(sorted);
            p95Nanos = sorted[(int) Math.ceil(size * 0.95) - 1];
        }
    }
}
