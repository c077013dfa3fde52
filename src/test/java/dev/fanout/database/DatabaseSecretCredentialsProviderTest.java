package dev.fanout.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.credentials.CredentialsProvider;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** The provider against a loopback stand-in for Secrets Manager that sees the wire. */
class DatabaseSecretCredentialsProviderTest {

    private static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf";
    private static final String USERNAME = "fanout";
    private static final String PASSWORD = UUID.randomUUID().toString(); // generated: no secret-looking literal in the repository
    private static final String SECRET = "{\"username\":\"" + USERNAME + "\",\"password\":\"" + PASSWORD + "\"}";
    private static final Duration TIMEOUT = Duration.ofSeconds(2); // roomy: a loaded CI machine warms the client up slowly

    private final ObjectMapper json = new ObjectMapper();
    private Vertx vertx;
    private SecretsManagerStub secretsManager;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        secretsManager = SecretsManagerStub.start();
        secretsManager.answer(200, SecretsManagerStub.secretAnswer(SECRET_ARN, SECRET));
    }

    @AfterEach
    void stop() {
        secretsManager.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void readsUserAndPasswordWithASignedGetSecretValue() {
        Map<String, String> credentials = provider(Duration.ZERO).getCredentials(SECRET_ARN);

        assertThat(credentials).containsExactlyInAnyOrderEntriesOf(Map.of(
                CredentialsProvider.USER_PROPERTY_NAME, USERNAME, CredentialsProvider.PASSWORD_PROPERTY_NAME, PASSWORD));
        SecretsManagerStub.Received request = secretsManager.received().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/");
        assertThat(request.body()).isEqualTo("{\"SecretId\":\"" + SECRET_ARN + "\"}");
        assertThat(request.headers())
                .containsEntry("x-amz-target", "secretsmanager.GetSecretValue")
                .containsEntry("content-type", "application/x-amz-json-1.1")
                .containsEntry("x-amz-security-token", "session-token-example")
                .containsEntry("host", URI.create(secretsManager.url()).getAuthority());
        assertThat(request.headers().get("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/eu-west-1/secretsmanager/aws4_request")
                .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
    }

    @Test
    void answerIsReusedWithinTheCacheTtl() {
        CredentialsProvider provider = provider(Duration.ofMinutes(5));

        provider.getCredentials(SECRET_ARN);
        provider.getCredentials(SECRET_ARN);

        assertThat(secretsManager.received()).hasSize(1);
    }

    @Test
    void forgottenAnswerIsReadAgainWithinTheCacheTtl() {
        DatabaseSecretCredentialsProvider provider = (DatabaseSecretCredentialsProvider) provider(Duration.ofMinutes(5));

        provider.getCredentials(SECRET_ARN);
        provider.forgetCached(); // what a restored snapshot does
        provider.getCredentials(SECRET_ARN);

        assertThat(secretsManager.received()).hasSize(2);
    }

    @Test
    void credentialsArriveOnTheEventLoopWithoutBlockingIt() throws Exception {
        CredentialsProvider provider = provider(Duration.ZERO);
        Context eventLoop = vertx.getOrCreateContext();
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();

        eventLoop.runOnContext(ignored -> provider.getCredentialsAsync(SECRET_ARN)
                .subscribe().with(result::complete, result::completeExceptionally));

        assertThat(result.get(5, TimeUnit.SECONDS)).containsEntry(CredentialsProvider.PASSWORD_PROPERTY_NAME, PASSWORD);
    }

    @Test
    void refusalNamesTheErrorType() {
        secretsManager.answer(400, "{\"__type\":\"AccessDeniedException\",\"message\":\"not authorized to perform GetSecretValue\"}");

        assertThatThrownBy(() -> provider(Duration.ZERO).getCredentials(SECRET_ARN))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageContaining("400")
                .hasMessageContaining("AccessDeniedException")
                .hasMessageContaining(SECRET_ARN);
    }

    @Test
    void secretThatIsNotJsonIsRefusedWithoutQuotingIt() {
        secretsManager.answer(200, SecretsManagerStub.secretAnswer(SECRET_ARN, PASSWORD));

        assertThatThrownBy(() -> provider(Duration.ZERO).getCredentials(SECRET_ARN))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void secretWithoutAPasswordIsRefused() {
        secretsManager.answer(200, SecretsManagerStub.secretAnswer(SECRET_ARN, "{\"username\":\"fanout\"}"));

        assertThatThrownBy(() -> provider(Duration.ZERO).getCredentials(SECRET_ARN))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageContaining("no username and password");
    }

    @Test
    void silentSecretsManagerFailsWithinTheTimeout() {
        secretsManager.hang();
        long start = System.nanoTime();

        assertThatThrownBy(() -> provider(Duration.ZERO).getCredentials(SECRET_ARN))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageContaining("did not answer");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(2));
    }

    @Test
    void missingRoleCredentialsAreNamed() {
        var provider = new DatabaseSecretCredentialsProvider(vertx, json, config(Duration.ZERO),
                new AwsCredentialsSource(vertx, json, AwsCredentialsSourceTest.settings(), Clock.systemUTC()), Clock.systemUTC());

        assertThatThrownBy(() -> provider.getCredentials(SECRET_ARN))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageContaining("AWS_ACCESS_KEY_ID");
    }

    private CredentialsProvider provider(Duration cacheTtl) {
        AwsCredentialsSourceTest.Settings role = AwsCredentialsSourceTest.settings();
        role.accessKeyId = Optional.of("AKIDEXAMPLE");
        role.secretAccessKey = Optional.of("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        role.sessionToken = Optional.of("session-token-example");
        return new DatabaseSecretCredentialsProvider(vertx, json, config(cacheTtl),
                new AwsCredentialsSource(vertx, json, role, Clock.systemUTC()), Clock.systemUTC());
    }

    private DatabaseConfig.Secret config(Duration cacheTtl) {
        return secretConfig(URI.create(secretsManager.url()), cacheTtl);
    }

    static DatabaseConfig.Secret secretConfig(URI endpoint, Duration cacheTtl) {
        return new DatabaseConfig.Secret() {
            @Override
            public Optional<String> arn() {
                return Optional.empty();
            }

            @Override
            public Optional<URI> endpoint() {
                return Optional.of(endpoint);
            }

            @Override
            public Duration timeout() {
                return TIMEOUT;
            }

            @Override
            public Duration cacheTtl() {
                return cacheTtl;
            }

        };
    }
}
