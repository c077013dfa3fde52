package dev.fanout.upstream;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** How calls wait for an upstream's pooled connections, and what they tell the upstream of their time. */
@ConfigMapping(prefix = "fanout.upstream")
public interface UpstreamConfig {

    /**
     * How many calls to one upstream may wait for one of its pooled connections
     * ({@code quarkus.rest-client.connection-pool-size}). A call waits, bounded by its deadline,
     * rather than being refused; only past this many waiters is it refused (503). The edge
     * sheds load before this line fills ({@code fanout.http.admission.*}).
     */
    int maxWaiting();

    /** Kept back from the {@code Request-Timeout} sent upstream, for the answer's way back. */
    Duration deadlineMargin();
}
