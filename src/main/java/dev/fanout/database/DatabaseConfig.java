package dev.fanout.database;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Pool timeouts that Quarkus's {@code quarkus.datasource.reactive.*} keys do not
 * cover, and how the credentials are read on AWS ({@link DatabaseCredentialsProvider}:
 * {@code FANOUT_DB_AUTH} is {@code quarkus.datasource.credentials-provider}). Size, idle timeout and lifetime
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

    /** RDS IAM authentication tokens ({@link RdsIamTokens}). */
    Iam iam();

    /** The execution role's AWS credentials that sign both ({@link AwsCredentialsSource}). */
    Aws aws();

    interface Secret {

        /** The secret's ARN, {@code FANOUT_DB_SECRET_ARN}; needed with {@code FANOUT_DB_AUTH=secret}. */
        Optional<String> arn();

        /** Secrets Manager's endpoint; by default the regional one of the secret's ARN (the VPC endpoint answers it). */
        Optional<URI> endpoint();

        /** The longest a read of the secret may take, connection included. */
        Duration timeout();

        /** How long an answer is reused; a rotated password reaches new connections after at most this. */
        Duration cacheTtl();
    }

    interface Iam {

        /** How long a token is valid; RDS accepts at most 15 minutes. */
        Duration tokenLifetime();

        /** A token is signed anew this long before it (or the credentials that signed it) would expire. */
        Duration refreshBefore();
    }

    interface Aws {

        /** {@code AWS_REGION}, which Lambda sets: the region an IAM token is signed for. */
        Optional<String> region();

        /** {@code AWS_ACCESS_KEY_ID}, which Lambda sets; with the secret key, the first source. */
        Optional<String> accessKeyId();

        /** {@code AWS_SECRET_ACCESS_KEY}. */
        Optional<String> secretAccessKey();

        /** {@code AWS_SESSION_TOKEN}. */
        Optional<String> sessionToken();

        /** {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}: the container-credentials endpoint (SnapStart, ECS, EKS). */
        Optional<URI> containerCredentialsFullUri();

        /** {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}: a path on ECS's {@code 169.254.170.2}. */
        Optional<String> containerCredentialsRelativeUri();

        /** {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}: the endpoint's {@code Authorization} header. */
        Optional<String> containerAuthorizationToken();

        /** {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}: a file holding it, read on every fetch (it may be rotated). */
        Optional<String> containerAuthorizationTokenFile();

        /** The longest one fetch from the endpoint may take. */
        Duration containerTimeout();

        /** Credentials from the endpoint are fetched anew this long before they expire. */
        Duration refreshBefore();
    }
}
