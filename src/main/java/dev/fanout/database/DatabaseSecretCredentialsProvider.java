package dev.fanout.database;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.database.AwsRequestSigner.Credentials;
import io.quarkus.credentials.CredentialsProvider;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The database's user and password on AWS with {@code FANOUT_DB_AUTH=secret}, read from the
 * RDS-managed secret in Secrets Manager whose ARN Terraform passes as {@code FANOUT_DB_SECRET_ARN}
 * ({@link DatabaseCredentialsProvider} calls it with that ARN); elsewhere it is inert.
 *
 * <p>Why a direct, signed {@code GetSecretValue} call and not the AWS Parameters and Secrets
 * Lambda Extension: the extension only answers during an invocation, never during the
 * INIT phase, and the Web Adapter's readiness check ({@code /q/health/ready}, which opens a
 * database connection) runs in INIT, so the first connection would always fail. The call
 * goes to the Secrets Manager VPC endpoint (infra/network.tf) with the function's own role
 * credentials ({@link AwsCredentialsSource}: the environment, or the container-credentials
 * endpoint); no AWS SDK is needed (see {@link AwsRequestSigner}).
 *
 * <p>Never blocks the event loop: the reactive pool asks for credentials before each new
 * connection through {@link #getCredentialsAsync}, which is a non-blocking Vert.x HTTP call
 * bounded by {@code fanout.database.secret.timeout}. Agroal (Flyway's JDBC pool) awaits the
 * same {@code Uni} on its own worker thread. An answer is kept for
 * {@code fanout.database.secret.cache-ttl}, so that a pool refilling itself does not call
 * Secrets Manager once per connection, and a rotated password is picked up after at most that.
 */
@Singleton
public class DatabaseSecretCredentialsProvider implements CredentialsProvider {

    static final String TARGET = "secretsmanager.GetSecretValue";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private static final Logger LOG = Logger.getLogger(DatabaseSecretCredentialsProvider.class);
    private static final String SERVICE = "secretsmanager";

    private final HttpClient http;
    private final ObjectMapper json;
    private final DatabaseConfig.Secret config;
    private final AwsCredentialsSource awsCredentials;
    private final Clock clock;
    private volatile Cached cached;

    @Inject
    public DatabaseSecretCredentialsProvider(Vertx vertx, ObjectMapper json, DatabaseConfig config,
            AwsCredentialsSource awsCredentials) {
        this(vertx, json, config.secret(), awsCredentials, Clock.systemUTC());
    }

    DatabaseSecretCredentialsProvider(Vertx vertx, ObjectMapper json, DatabaseConfig.Secret config,
            AwsCredentialsSource awsCredentials, Clock clock) {
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(Math.toIntExact(config.timeout().toMillis()))
                .setMaxPoolSize(1)
                .setKeepAlive(false)); // a call every few minutes: no idle connection to keep
        this.json = json;
        this.config = config;
        this.awsCredentials = awsCredentials;
        this.clock = clock;
    }

    @Override
    public Uni<Map<String, String>> getCredentialsAsync(String secretArn) {
        Cached known = cached;
        if (known != null && known.secretArn.equals(secretArn) && clock.instant().isBefore(known.expires)) {
            return Uni.createFrom().item(known.credentials);
        }
        return Uni.createFrom().deferred(() -> fetch(secretArn))
                .ifNoItem().after(config.timeout())
                .failWith(() -> new DatabaseSecretException("Secrets Manager did not answer within " + config.timeout()
                        + " for the database secret " + secretArn))
                .invoke(credentials -> cached = new Cached(secretArn, credentials, clock.instant().plus(config.cacheTtl())));
    }

    /**
     * Drops the cached answer, so that the next connection reads the secret again, with the
     * role credentials of that moment. A restored snapshot calls it (DatabaseSnapshotHooks):
     * the copy must not use what the instance that took the snapshot read.
     */
    public void forgetCached() {
        cached = null;
    }

    /** For a caller on a worker thread; on an event loop Mutiny refuses to wait, as it should. */
    @Override
    public Map<String, String> getCredentials(String secretArn) {
        return getCredentialsAsync(secretArn).await().atMost(config.timeout().plusSeconds(1));
    }

    private Uni<Map<String, String>> fetch(String secretArn) {
        SecretArn arn = SecretArn.parse(secretArn);
        return awsCredentials.current()
                .onFailure().transform(failure -> new DatabaseSecretException(failure.getMessage()
                        + ": cannot read the database secret " + secretArn, failure))
                .chain(credentials -> fetch(secretArn, arn, credentials));
    }

    private Uni<Map<String, String>> fetch(String secretArn, SecretArn arn, Credentials credentials) {
        URI endpoint = config.endpoint().orElseGet(() -> URI.create("https://secretsmanager." + arn.region + ".amazonaws.com"));
        String body = json.createObjectNode().put("SecretId", secretArn).toString();
        Map<String, String> headers = AwsRequestSigner.signedHeaders(authority(endpoint), arn.region, SERVICE,
                Map.of("content-type", CONTENT_TYPE, "x-amz-target", TARGET), body, credentials, clock.instant());

        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(endpoint.resolve("/").toString())
                .setIdleTimeout(config.timeout().toMillis());
        headers.forEach(request::putHeader);
        Future<Answer> answer = http.request(request)
                .compose(sent -> sent.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(payload -> new Answer(response.statusCode(), payload)));
        return Uni.createFrom().completionStage(answer.toCompletionStage())
                .onFailure(failure -> !(failure instanceof DatabaseSecretException))
                .transform(failure -> new DatabaseSecretException("Could not reach Secrets Manager at " + endpoint
                        + " for the database secret " + secretArn + ": " + failure, failure))
                .map(reply -> credentialsFrom(reply, secretArn));
    }

    private Map<String, String> credentialsFrom(Answer answer, String secretArn) {
        JsonNode reply = readJson(answer.body.toString(), secretArn);
        if (answer.status != 200) {
            // The error's type and message name the problem (AccessDenied, ResourceNotFound); they hold no secret.
            throw new DatabaseSecretException("Secrets Manager refused the database secret " + secretArn + ": "
                    + answer.status + " " + reply.path("__type").asText("") + " " + reply.path("message").asText(""));
        }
        JsonNode secret = readJson(reply.path("SecretString").asText(""), secretArn);
        String username = secret.path("username").asText("");
        String password = secret.path("password").asText("");
        if (username.isEmpty() || password.isEmpty()) {
            throw new DatabaseSecretException("The database secret " + secretArn + " has no username and password");
        }
        LOG.debugf("Read the database credentials of user %s from %s", username, secretArn);
        return Map.of(USER_PROPERTY_NAME, username, PASSWORD_PROPERTY_NAME, password);
    }

    private JsonNode readJson(String text, String secretArn) {
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                throw new DatabaseSecretException("Secrets Manager's answer for " + secretArn + " is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Not the parser's message: it may quote the text, and the text may be the secret.
            throw new DatabaseSecretException("Secrets Manager's answer for " + secretArn + " is not JSON");
        }
    }

    /** The Host header as the client sends it, which is also the one that is signed. */
    private static String authority(URI endpoint) {
        boolean defaultPort = endpoint.getPort() == -1
                || endpoint.getPort() == 443 && "https".equals(endpoint.getScheme())
                || endpoint.getPort() == 80 && "http".equals(endpoint.getScheme());
        return defaultPort ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    }

    /** {@code arn:aws:secretsmanager:<region>:<account>:secret:<name>}: the region says which endpoint to call. */
    private record SecretArn(String region) {

        static SecretArn parse(String arn) {
            String[] parts = arn.split(":", 7);
            if (parts.length < 7 || !"arn".equals(parts[0]) || !SERVICE.equals(parts[2]) || parts[3].isBlank()) {
                throw new DatabaseSecretException("Not a Secrets Manager secret ARN: " + arn);
            }
            return new SecretArn(parts[3]);
        }
    }

    private record Answer(int status, Buffer body) {
    }

    private record Cached(String secretArn, Map<String, String> credentials, Instant expires) {
    }
}
