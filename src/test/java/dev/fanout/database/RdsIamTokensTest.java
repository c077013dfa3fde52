package dev.fanout.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.database.AwsCredentialsSourceTest.MutableClock;
import dev.fanout.database.AwsCredentialsSourceTest.Settings;
import dev.fanout.database.AwsRequestSigner.Credentials;
import io.quarkus.credentials.CredentialsProvider;
import io.vertx.core.Vertx;

/**
 * RDS IAM tokens: signed as AWS signs them, and renewed before they end. A real PostgreSQL
 * cannot check an IAM token (only RDS and RDS Proxy can), so the renewal is proven where the
 * pool asks for credentials: {@link DatabaseCredentialsProvider}, which Quarkus's pool calls
 * before every new connection.
 */
class RdsIamTokensTest {

    private static final String HOST = "fanout-dev.proxy-abc123.eu-west-1.rds.amazonaws.com";
    private static final int PORT = 5432;
    private static final String USER = "fanout_app";
    private static final String REGION = "eu-west-1";
    private static final Instant SIGNED_AT = Instant.parse("2026-11-26T02:03:51Z");
    private static final String EXAMPLE_ROLE_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Duration LIFETIME = Duration.ofMinutes(15);
    private static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

    /**
     * What botocore 1.43.11 writes for the same endpoint, user, credentials and time
     * ({@code boto3.client("rds", region_name="eu-west-1").generate_db_auth_token(HOST, 5432, "fanout_app")}
     * with {@code botocore.auth.get_current_datetime} fixed at {@link #SIGNED_AT}): the reference
     * implementation. The session token has the characters that need encoding.
     */
    private static final String BOTOCORE_TOKEN = HOST + ":5432/?Action=connect&DBUser=fanout_app"
            + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261126%2Feu-west-1%2Frds-db%2Faws4_request"
            + "&X-Amz-Date=20261126T020351Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
            + "&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE%2B%2Ftoken%3D%3D"
            + "&X-Amz-Signature=2b35f371ed663497d14042cdcc873eb50d12a6581f2d8b34d582c9e3e33ffe8f";
    /** The same, with long-term keys (no session token). */
    private static final String BOTOCORE_TOKEN_WITHOUT_SESSION = HOST + ":5432/?Action=connect&DBUser=fanout_app"
            + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261126%2Feu-west-1%2Frds-db%2Faws4_request"
            + "&X-Amz-Date=20261126T020351Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=2405e284cdb824149a5bcfb581da100786c4d1f067ee70344f93d807926144d6";

    private final MutableClock clock = new MutableClock(SIGNED_AT);
    private Vertx vertx;
    private SecretsManagerStub containerCredentials;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        containerCredentials = SecretsManagerStub.start();
    }

    @AfterEach
    void stop() {
        containerCredentials.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void tokenIsWhatTheAwsSdkSignsForTheSameConnection() {
        RdsIamTokens tokens = tokens(environment(Optional.of("IQoJb3JpZ2luX2VjE+/token==")), "postgresql://" + HOST + ":5432/postgres");

        String token = tokens.token(HOST, PORT, USER, REGION,
                new Credentials("AKIDEXAMPLE", EXAMPLE_ROLE_KEY, Optional.of("IQoJb3JpZ2luX2VjE+/token==")), SIGNED_AT);

        // The same parameters and signature; botocore lists the security token after SignedHeaders, RDS reads either order.
        assertThat(prefixOf(token)).isEqualTo(prefixOf(BOTOCORE_TOKEN));
        assertThat(queryOf(token)).isEqualTo(queryOf(BOTOCORE_TOKEN));
        assertThat(tokens.token(HOST, PORT, USER, REGION, new Credentials("AKIDEXAMPLE", EXAMPLE_ROLE_KEY, Optional.empty()), SIGNED_AT))
                .isEqualTo(BOTOCORE_TOKEN_WITHOUT_SESSION);
    }

    @Test
    void providerAnswersTheDatasourceUserAndATokenForItsHostAndPort() {
        DatabaseCredentialsProvider provider = provider(environment(Optional.empty()),
                "postgresql://" + HOST + ":6432/postgres?sslmode=require");

        Map<String, String> credentials = provider.getCredentials(DatabaseCredentialsProvider.IAM);

        assertThat(credentials).containsEntry(CredentialsProvider.USER_PROPERTY_NAME, USER);
        String token = credentials.get(CredentialsProvider.PASSWORD_PROPERTY_NAME);
        assertThat(prefixOf(token)).isEqualTo(HOST + ":6432/");
        assertThat(queryOf(token))
                .containsEntry("Action", "connect")
                .containsEntry("DBUser", USER)
                .containsEntry("X-Amz-Expires", "900")
                .containsEntry("X-Amz-SignedHeaders", "host")
                .containsEntry("X-Amz-Credential", "AKIDEXAMPLE%2F20261126%2Feu-west-1%2Frds-db%2Faws4_request");
    }

    @Test
    void aNewConnectionGetsTheSameTokenUntilShortlyBeforeItEndsThenAFreshOne() {
        DatabaseCredentialsProvider provider = provider(environment(Optional.empty()), "postgresql://" + HOST + ":5432/postgres");
        String first = password(provider);

        clock.now = SIGNED_AT.plus(LIFETIME).minus(REFRESH_BEFORE).minusSeconds(1);
        assertThat(password(provider)).as("within its lifetime less the margin").isEqualTo(first);

        clock.now = SIGNED_AT.plus(LIFETIME).minus(REFRESH_BEFORE).plusSeconds(1);
        String second = password(provider);
        assertThat(second).as("a new connection after the token's renewal time").isNotEqualTo(first);
        assertThat(queryOf(second)).containsEntry("X-Amz-Date", "20261126T021352Z");

        Instant secondSignedAt = clock.now;
        clock.now = secondSignedAt.plus(LIFETIME).minus(REFRESH_BEFORE).minusSeconds(1);
        assertThat(password(provider)).as("the second token, within its own lifetime").isEqualTo(second);
        clock.now = secondSignedAt.plus(LIFETIME).plusSeconds(1); // past the second token's end
        assertThat(password(provider)).isNotEqualTo(first).isNotEqualTo(second);
    }

    @Test
    void tokenIsRenewedBeforeTheCredentialsThatSignedItExpire() {
        Instant credentialsEnd = SIGNED_AT.plus(Duration.ofMinutes(8)); // shorter than the token's 15 minutes
        containerCredentials.answer(200, "{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"container-secret\","
                + "\"Token\":\"container-session\",\"Expiration\":\"" + credentialsEnd + "\"}");
        Settings fromContainer = AwsCredentialsSourceTest.settings()
                .fullUri(URI.create(containerCredentials.url() + "/v1/credentials")).token("authorization-example");
        DatabaseCredentialsProvider provider = provider(fromContainer, "postgresql://" + HOST + ":5432/postgres");
        String first = password(provider);
        assertThat(queryOf(first)).containsEntry("X-Amz-Security-Token", "container-session")
                .containsEntry("X-Amz-Credential", "ASIACONTAINER%2F20261126%2Feu-west-1%2Frds-db%2Faws4_request");

        clock.now = credentialsEnd.minus(REFRESH_BEFORE).plusSeconds(1);

        assertThat(password(provider)).isNotEqualTo(first);
        assertThat(containerCredentials.received()).as("the credentials were fetched anew too").hasSize(2);
    }

    @Test
    void forgettingTheCacheSignsAnew() {
        DatabaseCredentialsProvider provider = provider(environment(Optional.empty()), "postgresql://" + HOST + ":5432/postgres");
        String first = password(provider);
        clock.now = SIGNED_AT.plusSeconds(1);

        provider.forgetCached();

        assertThat(password(provider)).isNotEqualTo(first);
    }

    @Test
    void withoutARegionTheFailureSaysSo() {
        Settings settings = environment(Optional.empty());
        settings.region = Optional.empty();

        assertThatThrownBy(() -> provider(settings, "postgresql://" + HOST + ":5432/postgres").getCredentials(DatabaseCredentialsProvider.IAM))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageContaining("AWS_REGION");
    }

    private static String password(DatabaseCredentialsProvider provider) {
        return provider.getCredentials(DatabaseCredentialsProvider.IAM).get(CredentialsProvider.PASSWORD_PROPERTY_NAME);
    }

    private static Settings environment(Optional<String> sessionToken) {
        Settings settings = AwsCredentialsSourceTest.settings();
        settings.accessKeyId = Optional.of("AKIDEXAMPLE");
        settings.secretAccessKey = Optional.of(EXAMPLE_ROLE_KEY);
        settings.sessionToken = sessionToken;
        return settings;
    }

    private RdsIamTokens tokens(Settings aws, String url) {
        return tokens(new AwsCredentialsSource(vertx, new ObjectMapper(), aws, clock), aws, url);
    }

    private RdsIamTokens tokens(AwsCredentialsSource source, Settings aws, String url) {
        DatabaseConfig.Iam iam = new DatabaseConfig.Iam() {
            @Override
            public Duration tokenLifetime() {
                return LIFETIME;
            }

            @Override
            public Duration refreshBefore() {
                return REFRESH_BEFORE;
            }
        };
        return new RdsIamTokens(source, iam, aws.region(), Optional.of(url), Optional.of(USER), clock);
    }

    private DatabaseCredentialsProvider provider(Settings aws, String url) {
        AwsCredentialsSource source = new AwsCredentialsSource(vertx, new ObjectMapper(), aws, clock);
        DatabaseSecretCredentialsProvider secrets = new DatabaseSecretCredentialsProvider(vertx, new ObjectMapper(),
                DatabaseSecretCredentialsProviderTest.secretConfig(URI.create("http://127.0.0.1:9"), Duration.ZERO), source, clock);
        return new DatabaseCredentialsProvider(tokens(source, aws, url), secrets, source, Optional.empty(), Duration.ofSeconds(5));
    }

    private static String prefixOf(String token) {
        return token.substring(0, token.indexOf('?'));
    }

    private static Map<String, String> queryOf(String token) {
        return Arrays.stream(token.substring(token.indexOf('?') + 1).split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
    }
}
