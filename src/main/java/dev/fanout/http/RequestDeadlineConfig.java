package dev.fanout.http;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** How long a request may take, before the {@code Request-Timeout} header or Lambda lower it. */
@ConfigMapping(prefix = "fanout.request")
public interface RequestDeadlineConfig {

    /** The longest any request may take; the header and Lambda's remaining time can only lower it. */
    Duration maxDeadline();

    /** Kept back from the deadline for writing the answer (serialising, the adapter's hop). */
    Duration safetyMargin();
}
