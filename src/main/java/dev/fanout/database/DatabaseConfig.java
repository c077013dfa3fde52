package dev.fanout.database;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/**
 * Pool timeouts that Quarkus's {@code quarkus.datasource.reactive.*} keys do not
 * cover. Size, idle timeout and lifetime stay under their Quarkus keys.
 */
@ConfigMapping(prefix = "fanout.database")
public interface DatabaseConfig {

    /** How long opening a TCP connection to PostgreSQL may take before it fails. */
    Duration connectTimeout();

    /**
     * How long a query may wait for a free pooled connection. Short, so that an
     * exhausted pool or a database outage fails fast instead of queueing requests.
     */
    Duration acquireTimeout();

    /**
     * How many requests may queue for a connection beyond those that hold one. Past
     * it a request is refused at once (503) instead of waiting in an unbounded line
     * that would outlive every deadline and keep working long after its caller left.
     */
    int maxWaitQueue();
}
