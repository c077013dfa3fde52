package dev.fanout.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.database.AwsRequestSigner.Credentials;
import io.vertx.core.Vertx;

/**
 * Where the signer's credentials come from, against a loopback stand-in for the
 * container-credentials endpoint (Lambda's after a SnapStart restore, ECS's, EKS Pod Identity's)
 * that sees the wire. The stand-in is {@link SecretsManagerStub}: an AWS JSON endpoint that records
 * each request and answers what it is told, which is all this endpoint is too.
 */
class AwsCredentialsSourceTest {

    private static final String AUTHORIZATION = "container-authorization-example";
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(5); // roomy: a loaded machine warms the client up slowly
    private static final Credentials FROM_ENVIRONMENT = new Credentials("AKIDENVIRONMENT", "environment-secret-key", Optional.empty());

    private final ObjectMapper json = new ObjectMapper();
    private final MutableClock clock = new MutableClock(NOW);
    private Vertx vertx;
    private SecretsManagerStub endpoint;

    @TempDir
    Path tokenDir;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        endpoint = SecretsManagerStub.start();
        endpoint.answer(200, answer("ASIAFIRST", "first-secret", "first-session", NOW.plus(Duration.ofHours(1))));
    }

    @AfterEach
    void stop() {
        endpoint.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void fullUriIsAskedWithTheAuthorizationToken() {
        Credentials credentials = current(source(settings().fullUri(endpointUri()).token(AUTHORIZATION)));

        assertThat(credentials.accessKeyId()).isEqualTo("ASIAFIRST");
        assertThat(credentials.secretAccessKey()).isEqualTo("first-secret");
        assertThat(credentials.sessionToken()).contains("first-session");
        SecretsManagerStub.Received request = endpoint.received().get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/v1/credentials");
        assertThat(request.headers()).containsEntry("authorization", AUTHORIZATION);
    }

    @Test
    void environmentVariablesComeFirst() {
        Settings settings = settings().fullUri(endpointUri()).token(AUTHORIZATION);
        settings.accessKeyId = Optional.of(FROM_ENVIRONMENT.accessKeyId());
        settings.secretAccessKey = Optional.of(FROM_ENVIRONMENT.secretAccessKey());

        assertThat(current(source(settings))).isEqualTo(FROM_ENVIRONMENT);
        assertThat(endpoint.received()).isEmpty();
    }

    @Test
    void credentialsAreReusedUntilShortlyBeforeTheyExpireThenFetchedAnew() {
        AwsCredentialsSource source = source(settings().fullUri(endpointUri()).token(AUTHORIZATION));
        current(source);
        clock.now = NOW.plus(Duration.ofMinutes(54)); // 6 minutes left: still more than the margin
        assertThat(current(source).accessKeyId()).isEqualTo("ASIAFIRST");
        assertThat(endpoint.received()).hasSize(1);

        endpoint.answer(200, answer("ASIASECOND", "second-secret", "second-session", NOW.plus(Duration.ofHours(2))));
        clock.now = NOW.plus(Duration.ofMinutes(56)); // 4 minutes left: inside the margin

        assertThat(current(source).accessKeyId()).isEqualTo("ASIASECOND");
        assertThat(endpoint.received()).hasSize(2);
        assertThat(source.refreshAt()).contains(NOW.plus(Duration.ofHours(2)).minus(REFRESH_BEFORE));
    }

    @Test
    void tokenFileIsReadOnEveryFetchSoThatItsRotationIsSeen() throws Exception {
        Path tokenFile = tokenDir.resolve("token");
        Files.writeString(tokenFile, "first-token\n");
        Settings settings = settings().fullUri(endpointUri());
        settings.tokenFile = Optional.of(tokenFile.toString());
        AwsCredentialsSource source = source(settings);
        current(source);

        Files.writeString(tokenFile, "rotated-token\n");
        source.forgetCached();
        current(source);

        assertThat(endpoint.received()).extracting(request -> request.headers().get("authorization"))
                .containsExactly("first-token", "rotated-token");
    }

    @Test
    void forgettingTheCacheFetchesAnew() {
        AwsCredentialsSource source = source(settings().fullUri(endpointUri()).token(AUTHORIZATION));
        current(source);
        source.forgetCached();
        current(source);

        assertThat(endpoint.received()).hasSize(2);
    }

    @Test
    void refusalNamesTheStatusAndCode() {
        endpoint.answer(403, "{\"Code\":\"AccessDenied\",\"Message\":\"bad token\"}");

        assertThatThrownBy(() -> current(source(settings().fullUri(endpointUri()).token("wrong"))))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageContaining("403")
                .hasMessageContaining("AccessDenied");
    }

    @Test
    void answerWithoutKeysIsRefusedWithoutQuotingIt() {
        endpoint.answer(200, "{\"SecretAccessKey\":\"half-of-a-pair\",\"Expiration\":\"2026-12-01T11:00:00Z\"}");

        assertThatThrownBy(() -> current(source(settings().fullUri(endpointUri()).token(AUTHORIZATION))))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageContaining("no AccessKeyId")
                .hasMessageNotContaining("half-of-a-pair");
    }

    @Test
    void silentEndpointFailsWithinTheTimeout() {
        endpoint.hang();

        assertThatThrownBy(() -> current(source(settings().fullUri(endpointUri()).token(AUTHORIZATION))))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageContaining("did not answer");
    }

    @Test
    void noSourceAtAllNamesTheVariables() {
        assertThatThrownBy(() -> current(source(settings())))
                .isInstanceOf(DatabaseSecretException.class)
                .hasMessageContaining("AWS_ACCESS_KEY_ID")
                .hasMessageContaining("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    }

    @Test
    void relativeUriIsOnTheContainerAgentsAddress() {
        Settings settings = settings();
        settings.relativeUri = Optional.of("/v2/credentials/0a1b2c3d");

        assertThat(source(settings).endpoint()).contains(URI.create("http://169.254.170.2/v2/credentials/0a1b2c3d"));
    }

    @Test
    void plainHttpIsAllowedOnlyToLoopbackAndTheContainerAgent() {
        assertThat(AwsCredentialsSource.allowed(URI.create("http://127.0.0.1:9001/creds"))).isNotNull();
        assertThat(AwsCredentialsSource.allowed(URI.create("http://localhost:9001/creds"))).isNotNull();
        assertThat(AwsCredentialsSource.allowed(URI.create("http://[::1]:9001/creds"))).isNotNull();
        assertThat(AwsCredentialsSource.allowed(URI.create("http://169.254.170.2/v2/credentials"))).isNotNull();
        assertThat(AwsCredentialsSource.allowed(URI.create("https://credentials.example.com/v1"))).isNotNull();
        for (String refused : new String[] { "http://10.0.0.7/creds", "http://credentials.example.com/creds", "ftp://127.0.0.1/x" }) {
            assertThatThrownBy(() -> AwsCredentialsSource.allowed(URI.create(refused)))
                    .as(refused).isInstanceOf(DatabaseSecretException.class);
        }
    }

    private Credentials current(AwsCredentialsSource source) {
        return source.current().await().atMost(TIMEOUT.plusSeconds(3));
    }

    private URI endpointUri() {
        return URI.create(endpoint.url() + "/v1/credentials");
    }

    private static String answer(String accessKeyId, String secretAccessKey, String token, Instant expiration) {
        return "{\"AccessKeyId\":\"" + accessKeyId + "\",\"SecretAccessKey\":\"" + secretAccessKey + "\",\"Token\":\"" + token
                + "\",\"Expiration\":\"" + expiration + "\"}";
    }

    private AwsCredentialsSource source(Settings settings) {
        return new AwsCredentialsSource(vertx, json, settings, clock);
    }

    static Settings settings() {
        return new Settings();
    }

    /** The {@code fanout.database.aws} keys, as a test sets them. */
    static final class Settings implements DatabaseConfig.Aws {
        Optional<String> region = Optional.of("eu-west-1");
        Optional<String> accessKeyId = Optional.empty();
        Optional<String> secretAccessKey = Optional.empty();
        Optional<String> sessionToken = Optional.empty();
        Optional<URI> fullUri = Optional.empty();
        Optional<String> relativeUri = Optional.empty();
        Optional<String> token = Optional.empty();
        Optional<String> tokenFile = Optional.empty();

        Settings fullUri(URI uri) {
            fullUri = Optional.of(uri);
            return this;
        }

        Settings token(String value) {
            token = Optional.of(value);
            return this;
        }

        @Override
        public Optional<String> region() {
            return region;
        }

        @Override
        public Optional<String> accessKeyId() {
            return accessKeyId;
        }

        @Override
        public Optional<String> secretAccessKey() {
            return secretAccessKey;
        }

        @Override
        public Optional<String> sessionToken() {
            return sessionToken;
        }

        @Override
        public Optional<URI> containerCredentialsFullUri() {
            return fullUri;
        }

        @Override
        public Optional<String> containerCredentialsRelativeUri() {
            return relativeUri;
        }

        @Override
        public Optional<String> containerAuthorizationToken() {
            return token;
        }

        @Override
        public Optional<String> containerAuthorizationTokenFile() {
            return tokenFile;
        }

        @Override
        public Duration containerTimeout() {
            return TIMEOUT;
        }

        @Override
        public Duration refreshBefore() {
            return REFRESH_BEFORE;
        }
    }

    /** A clock a test moves by hand. */
    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
