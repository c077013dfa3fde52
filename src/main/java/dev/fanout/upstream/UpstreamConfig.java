package dev.fanout.upstream;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/**
 * The pooled connections every upstream gets (one Vert.x {@code HttpClient} each), how calls
 * wait for them, and what they tell the upstream of their time. Each upstream's base URL sits
 * with the feature that calls it ({@link UpstreamSettings#url()}).
 */
@ConfigMapping(prefix = "fanout.upstream")
public interface UpstreamConfig {

    /**
     * Pooled connections per upstream, opened on demand and kept alive; also the most calls in
     * flight to it, the rest waiting in line ({@link #maxWaiting()}).
     */
    int connectionPoolSize();

    /** A new connection that is not up within this fails its call. */
    Duration connectTimeout();

    /**
     * A safety net only: a request that hears nothing for this long is ended. Every call is
     * bounded by its own timeout and the request's deadline first.
     */
    Duration readTimeout();

    /** A pooled connection left idle this long is closed. */
    Duration keepAliveTimeout();

    /**
     * How many calls to one upstream may wait for one of its pooled connections
     * ({@link #connectionPoolSize()}). A call waits, bounded by its deadline, rather than being
     * refused; only past this many waiters is it refused (503). The edge sheds load before
     * this line fills ({@code fanout.http.admission.*}).
     */
    int maxWaiting();

    /** Kept back from the {@code Request-Timeout} sent upstream, for the answer's way back. */
    Duration deadlineMargin();
}
