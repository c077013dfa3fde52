package dev.fanout.database;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.fanout.database.AwsRequestSigner.Credentials;
import io.quarkus.credentials.CredentialsProvider;
import io.smallrye.mutiny.Uni;

/**
 * RDS IAM authentication: the password of a new connection is a token that says "this role may
 * connect as this user", signed locally with the role's credentials ({@link AwsCredentialsSource},
 * {@link AwsRequestSigner}). RDS Proxy checks the signature; no password exists anywhere, and
 * signing is CPU work of microseconds, with no call to any AWS service.
 *
 * <p>The token is a presigned {@code GET https://<host>:<port>/?Action=connect&DBUser=<user>}
 * URL without its scheme, for the {@code rds-db} service, valid for {@code token-lifetime}
 * (RDS accepts at most 15 minutes). RDS checks it only when a connection logs in, so a token is
 * reused until {@code refresh-before} ahead of its end, or of the end of the credentials that
 * signed it, whichever comes first; the next connection then gets a fresh one.
 *
 * <p>Host, port and user are the datasource's own ({@code quarkus.datasource.reactive.url},
 * {@code quarkus.datasource.username}): the token must name the endpoint the connection goes to.
 */
@Singleton
public class RdsIamTokens {

    static final String SERVICE = "rds-db";
    private static final int POSTGRES_PORT = 5432;

    private static final Logger LOG = Logger.getLogger(RdsIamTokens.class);

    private final AwsCredentialsSource awsCredentials;
    private final DatabaseConfig.Iam config;
    private final Optional<String> region;
    private final Optional<String> datasourceUrl;
    private final Optional<String> username;
    private final Clock clock;
    private volatile Token cached;

    @Inject
    public RdsIamTokens(AwsCredentialsSource awsCredentials, DatabaseConfig config,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> reactiveUrl,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username) {
        this(awsCredentials, config.iam(), config.aws().region(), reactiveUrl.or(() -> jdbcUrl), username, Clock.systemUTC());
    }

    RdsIamTokens(AwsCredentialsSource awsCredentials, DatabaseConfig.Iam config, Optional<String> region,
            Optional<String> datasourceUrl, Optional<String> username, Clock clock) {
        this.awsCredentials = awsCredentials;
        this.config = config;
        this.region = region;
        this.datasourceUrl = datasourceUrl;
        this.username = username;
        this.clock = clock;
    }

    /** The datasource's user and a token that is valid for at least {@code refresh-before} more. */
    public Uni<Map<String, String>> credentials() {
        Token known = cached;
        if (known != null && clock.instant().isBefore(known.refreshAt)) {
            return Uni.createFrom().item(known.credentials);
        }
        return Uni.createFrom().deferred(this::sign)
                .invoke(fresh -> cached = fresh)
                .map(Token::credentials);
    }

    /** Forgets the token, for a process restored from a snapshot: its clock and credentials are stale. */
    public void forgetCached() {
        cached = null;
    }

    private Uni<Token> sign() {
        Endpoint endpoint = Endpoint.of(datasourceUrl.orElseThrow(() -> new DatabaseSecretException(
                "FANOUT_DB_AUTH=iam needs QUARKUS_DATASOURCE_REACTIVE_URL: the token names the host and port")));
        String user = username.orElseThrow(() -> new DatabaseSecretException(
                "FANOUT_DB_AUTH=iam needs QUARKUS_DATASOURCE_USERNAME: the token names the user"));
        String signingRegion = region.orElseThrow(() -> new DatabaseSecretException(
                "FANOUT_DB_AUTH=iam needs AWS_REGION: the token is signed for the database's region"));
        return awsCredentials.current().map(credentials -> {
            Instant now = clock.instant();
            String token = token(endpoint.host, endpoint.port, user, signingRegion, credentials, now);
            Instant ends = now.plus(config.tokenLifetime());
            Instant credentialsEnd = awsCredentials.expirationOf(credentials).orElse(ends);
            Instant refreshAt = (credentialsEnd.isBefore(ends) ? credentialsEnd : ends).minus(config.refreshBefore());
            LOG.debugf("Signed an RDS IAM token for %s at %s:%d, valid until %s", user, endpoint.host, endpoint.port, ends);
            return new Token(Map.of(CredentialsProvider.USER_PROPERTY_NAME, user, CredentialsProvider.PASSWORD_PROPERTY_NAME, token),
                    refreshAt.isAfter(now) ? refreshAt : now);
        });
    }

    /** What AWS's {@code generate-db-auth-token} makes for the same endpoint, user, credentials and time. */
    String token(String host, int port, String user, String region, Credentials credentials, Instant now) {
        String hostAndPort = host + ":" + port;
        return hostAndPort + "/?" + AwsRequestSigner.presignedQuery(hostAndPort, region, SERVICE,
                Map.of("Action", "connect", "DBUser", user), config.tokenLifetime(), credentials, now);
    }

    /** {@code postgresql://host:port/db?...} or {@code jdbc:postgresql://...}; the first host of a list. */
    private record Endpoint(String host, int port) {

        static Endpoint of(String url) {
            String first = url.split(",")[0].trim();
            URI uri = URI.create(first.startsWith("jdbc:") ? first.substring("jdbc:".length()) : first);
            if (uri.getHost() == null) {
                throw new DatabaseSecretException("Cannot tell the database's host from its URL");
            }
            return new Endpoint(uri.getHost(), uri.getPort() == -1 ? POSTGRES_PORT : uri.getPort());
        }
    }

    private record Token(Map<String, String> credentials, Instant refreshAt) {
    }
}
