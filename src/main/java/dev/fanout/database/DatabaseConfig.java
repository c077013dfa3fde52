package dev.fanout.database;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Pool timeouts that Quarkus's {@code quarkus.datasource.reactive.*} keys do not
 * cover, and how the credentials are read on AWS. Size, idle timeout and lifetime
 * stay under their Quarkus keys.
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

    /**
     * After the pool has been unused this long, the next request first pings the connections
     * the pool holds ({@link ReopenablePgPool#checkIdleConnections()}). A Lambda sandbox is frozen
     * between invocations, and a connection that the database closed meanwhile must not reach a
     * request. Busy instances never pay for it: only a pause this long triggers the check.
     * Unset: {@link #LAMBDA_VALIDATE_AFTER_IDLE} on Lambda ({@code AWS_LAMBDA_FUNCTION_NAME} set),
     * off elsewhere, where no process is frozen.
     */
    Optional<Duration> validateAfterIdle();

    Duration LAMBDA_VALIDATE_AFTER_IDLE = Duration.ofSeconds(1);

    /** The threshold in force: the configured one, else one second on Lambda, else none. */
    default Optional<Duration> idleCheckThreshold() {
        return validateAfterIdle().or(() -> System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null
                ? Optional.of(LAMBDA_VALIDATE_AFTER_IDLE) : Optional.empty());
    }

    /** The longest a request waits for that check; a ping still unanswered then is left behind. */
    Duration validateTimeout();

    /** The Secrets Manager secret that holds the credentials ({@link DatabaseSecretCredentialsProvider}). */
    Secret secret();

    interface Secret {

        /** Secrets Manager's endpoint; by default the regional one of the secret's ARN (the VPC endpoint answers it). */
        Optional<URI> endpoint();

        /** The longest a read of the secret may take, connection included. */
        Duration timeout();

        /** How long an answer is reused; a rotated password reaches new connections after at most this. */
        Duration cacheTtl();

        /** The execution role's credentials, from {@code AWS_ACCESS_KEY_ID}, which Lambda sets. */
        Optional<String> accessKeyId();

        /** From {@code AWS_SECRET_ACCESS_KEY}, which Lambda sets. */
        Optional<String> secretAccessKey();

        /** From {@code AWS_SESSION_TOKEN}, which Lambda sets. */
        Optional<String> sessionToken();
    }
}
