package dev.fanout.database;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import io.quarkus.arc.Unremovable;
import io.quarkus.credentials.CredentialsProvider;
import io.smallrye.mutiny.Uni;

/**
 * The database's user and password on AWS, for every new connection: the reactive pool's
 * ({@link TimeBoundedPgPoolCreator}) and Flyway's JDBC one (Agroal). Quarkus hands it the value
 * of {@code quarkus.datasource.credentials-provider}, which is {@code FANOUT_DB_AUTH}:
 * {@code iam} signs an RDS IAM token ({@link RdsIamTokens}); {@code secret} reads the RDS-managed
 * secret {@code FANOUT_DB_SECRET_ARN} ({@link DatabaseSecretCredentialsProvider}). A secret's ARN
 * as the value (a {@code FANOUT_DB_SECRET_ARN} without {@code FANOUT_DB_AUTH}) reads that secret.
 * With neither variable Quarkus never calls it, and the configured user and password apply.
 */
@Singleton
@Named(DatabaseCredentialsProvider.NAME)
@Unremovable // looked up by name from configuration, which ArC cannot see
public class DatabaseCredentialsProvider implements CredentialsProvider {

    /** The bean name that {@code quarkus.datasource.credentials-provider-name} refers to. */
    public static final String NAME = "fanout-database";
    public static final String IAM = "iam";
    public static final String FROM_SECRETS_MANAGER = "secret";

    private final RdsIamTokens iamTokens;
    private final DatabaseSecretCredentialsProvider secrets;
    private final AwsCredentialsSource awsCredentials;
    private final Optional<String> secretArn;
    private final Duration longestWait;

    @Inject
    public DatabaseCredentialsProvider(RdsIamTokens iamTokens, DatabaseSecretCredentialsProvider secrets,
            AwsCredentialsSource awsCredentials, DatabaseConfig config) {
        this(iamTokens, secrets, awsCredentials, config.secret().arn(),
                config.aws().containerTimeout().plus(config.secret().timeout()).plusSeconds(1));
    }

    DatabaseCredentialsProvider(RdsIamTokens iamTokens, DatabaseSecretCredentialsProvider secrets,
            AwsCredentialsSource awsCredentials, Optional<String> secretArn, Duration longestWait) {
        this.iamTokens = iamTokens;
        this.secrets = secrets;
        this.awsCredentials = awsCredentials;
        this.secretArn = secretArn;
        this.longestWait = longestWait;
    }

    @Override
    public Uni<Map<String, String>> getCredentialsAsync(String auth) {
        if (IAM.equals(auth)) {
            return iamTokens.credentials();
        }
        if (FROM_SECRETS_MANAGER.equals(auth)) {
            return secretArn.map(secrets::getCredentialsAsync).orElseGet(() -> Uni.createFrom().failure(
                    new DatabaseSecretException("FANOUT_DB_AUTH=secret needs FANOUT_DB_SECRET_ARN, the secret to read")));
        }
        if (auth.startsWith("arn:")) {
            return secrets.getCredentialsAsync(auth);
        }
        return Uni.createFrom().failure(new DatabaseSecretException(
                "FANOUT_DB_AUTH must be " + IAM + " or " + FROM_SECRETS_MANAGER + ", not " + auth));
    }

    /** For a caller on a worker thread (Agroal); on an event loop Mutiny refuses to wait, as it should. */
    @Override
    public Map<String, String> getCredentials(String auth) {
        return getCredentialsAsync(auth).await().atMost(longestWait); // the role's credentials, then the secret
    }

    /**
     * Forgets every cached credential (the role's, the token, the secret), for a process restored
     * from a snapshot (SnapStart, CRaC): the next connection fetches and signs anew.
     */
    public void forgetCached() {
        awsCredentials.forgetCached();
        iamTokens.forgetCached();
        secrets.forgetCached();
    }
}
