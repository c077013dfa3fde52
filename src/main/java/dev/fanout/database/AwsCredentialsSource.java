package dev.fanout.database;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fanout.database.AwsRequestSigner.Credentials;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The execution role's credentials that sign our AWS calls, found where the AWS SDKs look
 * (in this order): the environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code AWS_SESSION_TOKEN}, which Lambda sets in an ordinary start), then the
 * container-credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} or {@code ..._TOKEN_FILE}, which is what a SnapStart
 * restore, ECS and EKS Pod Identity provide; or ECS's {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}).
 *
 * <p>Credentials from the endpoint expire; they are kept until {@code refresh-before} ahead of
 * their {@code Expiration}, then fetched anew by the next caller, so no caller ever signs with
 * credentials about to lapse. The fetch is a non-blocking Vert.x call bounded by
 * {@code container-timeout}; the token file is read asynchronously too, on every fetch, because
 * its owner may rotate it.
 */
@Singleton
public class AwsCredentialsSource {

    /** Where ECS (and Lambda's SnapStart, by its full URI) serves credentials for a relative URI. */
    static final String ECS_ENDPOINT = "http://169.254.170.2";
    /** The addresses an AWS SDK lets a plain-HTTP full URI name, besides loopback: ECS's and EKS Pod Identity's. */
    private static final Set<String> CONTAINER_HOSTS = Set.of("169.254.170.2", "169.254.170.23", "fd00:ec2:0:0:0:0:0:23");

    private static final Logger LOG = Logger.getLogger(AwsCredentialsSource.class);

    private final Vertx vertx;
    private final HttpClient http;
    private final ObjectMapper json;
    private final DatabaseConfig.Aws config;
    private final Clock clock;
    private volatile Cached cached;

    @Inject
    public AwsCredentialsSource(Vertx vertx, ObjectMapper json, DatabaseConfig config) {
        this(vertx, json, config.aws(), Clock.systemUTC());
    }

    AwsCredentialsSource(Vertx vertx, ObjectMapper json, DatabaseConfig.Aws config, Clock clock) {
        this.vertx = vertx;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(Math.toIntExact(config.containerTimeout().toMillis()))
                .setMaxPoolSize(1)
                .setKeepAlive(false)); // one call per credentials' lifetime (hours): nothing to keep
        this.json = json;
        this.config = config;
        this.clock = clock;
    }

    /** The credentials to sign with now; fails with {@link DatabaseSecretException} when there are none. */
    public Uni<Credentials> current() {
        Optional<Credentials> fromEnvironment = fromEnvironment();
        if (fromEnvironment.isPresent()) {
            return Uni.createFrom().item(fromEnvironment.get());
        }
        Cached known = cached;
        if (known != null && clock.instant().isBefore(known.refreshAt)) {
            return Uni.createFrom().item(known.credentials);
        }
        URI endpoint = endpoint().orElse(null);
        if (endpoint == null) {
            return Uni.createFrom().failure(new DatabaseSecretException("No AWS credentials: set AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY, or AWS_CONTAINER_CREDENTIALS_FULL_URI (or _RELATIVE_URI)"));
        }
        return Uni.createFrom().deferred(() -> fetch(endpoint))
                .ifNoItem().after(config.containerTimeout())
                .failWith(() -> new DatabaseSecretException("The container-credentials endpoint " + endpoint
                        + " did not answer within " + config.containerTimeout()))
                .invoke(fresh -> cached = fresh)
                .map(Cached::credentials);
    }

    /** Forgets credentials fetched from the endpoint, for a process restored from a snapshot: the next caller fetches. */
    public void forgetCached() {
        cached = null;
    }

    /** When credentials fetched from the endpoint are fetched anew; empty while none are kept. */
    Optional<Instant> refreshAt() {
        Cached known = cached;
        return known == null ? Optional.empty() : Optional.of(known.refreshAt);
    }

    /**
     * The credentials expire at {@code expiration} at the latest; the most a caller may rely on them.
     * Empty for credentials from the environment, which last as long as the process.
     */
    Optional<Instant> expirationOf(Credentials credentials) {
        Cached known = cached;
        return known != null && known.credentials == credentials ? Optional.of(known.expiration) : Optional.empty();
    }

    private Optional<Credentials> fromEnvironment() {
        if (config.accessKeyId().isEmpty() || config.secretAccessKey().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(config.accessKeyId().get(), config.secretAccessKey().get(), config.sessionToken()));
    }

    /** The full URI if set, else the relative one on ECS's address. */
    Optional<URI> endpoint() {
        if (config.containerCredentialsFullUri().isPresent()) {
            return Optional.of(allowed(config.containerCredentialsFullUri().get()));
        }
        return config.containerCredentialsRelativeUri().map(path -> URI.create(ECS_ENDPOINT + (path.startsWith("/") ? "" : "/") + path));
    }

    /**
     * As the AWS SDKs do: over plain HTTP, credentials may only come from this machine or from
     * the container agent's link-local address, never from a host on the network.
     */
    static URI allowed(URI uri) {
        if ("https".equals(uri.getScheme())) {
            return uri;
        }
        if ("http".equals(uri.getScheme()) && uri.getHost() != null && isLoopbackOrContainerAgent(uri.getHost())) {
            return uri;
        }
        throw new DatabaseSecretException("AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on a loopback or "
                + "the container agent's address: " + uri);
    }

    private static boolean isLoopbackOrContainerAgent(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name would need a DNS lookup, which could answer anything
        }
        try {
            InetAddress address = InetAddress.getByName(literal); // a literal: no lookup
            return address.isLoopbackAddress() || CONTAINER_HOSTS.contains(address.getHostAddress());
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private Uni<Cached> fetch(URI endpoint) {
        return authorizationToken()
                .chain(token -> get(endpoint, token))
                .map(answer -> cachedFrom(answer, endpoint));
    }

    private Uni<Optional<String>> authorizationToken() {
        if (config.containerAuthorizationTokenFile().isPresent()) {
            String file = config.containerAuthorizationTokenFile().get();
            return Uni.createFrom().completionStage(() -> vertx.fileSystem().readFile(file).toCompletionStage())
                    .onFailure().transform(failure -> new DatabaseSecretException(
                            "Could not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + file + ": " + failure.getMessage(), failure))
                    .map(contents -> Optional.of(contents.toString().strip()));
        }
        return Uni.createFrom().item(config.containerAuthorizationToken());
    }

    private Uni<Answer> get(URI endpoint, Optional<String> token) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(endpoint.toString())
                .setIdleTimeout(config.containerTimeout().toMillis())
                .putHeader("Accept", "application/json");
        token.ifPresent(value -> request.putHeader("Authorization", value));
        Future<Answer> answer = http.request(request)
                .compose(sent -> sent.send())
                .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body)));
        return Uni.createFrom().completionStage(answer.toCompletionStage())
                .onFailure(failure -> !(failure instanceof DatabaseSecretException))
                .transform(failure -> new DatabaseSecretException("Could not reach the container-credentials endpoint "
                        + endpoint + ": " + failure, failure));
    }

    private Cached cachedFrom(Answer answer, URI endpoint) {
        JsonNode reply;
        try {
            reply = json.readTree(answer.body.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            reply = null; // not the parser's message: it may quote the text, and the text may hold a key
        }
        if (answer.status != 200 || reply == null || !reply.isObject()) {
            throw new DatabaseSecretException("The container-credentials endpoint " + endpoint + " refused: " + answer.status
                    + (reply != null ? " " + reply.path("Code").asText("") + " " + reply.path("Message").asText("") : ""));
        }
        String accessKeyId = reply.path("AccessKeyId").asText("");
        String secretAccessKey = reply.path("SecretAccessKey").asText("");
        if (accessKeyId.isEmpty() || secretAccessKey.isEmpty()) {
            throw new DatabaseSecretException("The container-credentials endpoint " + endpoint + " gave no AccessKeyId and SecretAccessKey");
        }
        String token = reply.path("Token").asText("");
        Credentials credentials = new Credentials(accessKeyId, secretAccessKey, token.isEmpty() ? Optional.empty() : Optional.of(token));
        Instant expiration = expirationOf(reply.path("Expiration").asText(""), endpoint);
        Instant now = clock.instant();
        Instant refreshAt = expiration.minus(config.refreshBefore());
        if (!refreshAt.isAfter(now)) {
            // Credentials that live shorter than the margin: use them for half of what is left.
            refreshAt = now.plus(Duration.between(now, expiration).dividedBy(2));
        }
        LOG.debugf("AWS credentials %s from %s, expiring at %s", accessKeyId, endpoint, expiration);
        return new Cached(credentials, expiration, refreshAt);
    }

    private static Instant expirationOf(String text, URI endpoint) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new DatabaseSecretException("The container-credentials endpoint " + endpoint + " gave no valid Expiration: " + text);
        }
    }

    private record Answer(int status, Buffer body) {
    }

    private record Cached(Credentials credentials, Instant expiration, Instant refreshAt) {
    }
}
