package dev.fanout.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.RequestOptions;

/** Which base URLs an upstream's client takes, and where its requests go. */
class UpstreamClientsTest {

    private final Vertx vertx = Vertx.vertx();
    private final UpstreamClients clients = new UpstreamClients(vertx, new Settings(), OpenTelemetry.noop());

    @AfterEach
    void close() {
        clients.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aRequestGoesBelowTheBasePathToItsHostAndPort() {
        RequestOptions request = clients.of("billing", url("http://billing.internal:8081/v1/"))
                .get("/accounts/7", 250L, Context.root());

        assertThat(request.getHost()).isEqualTo("billing.internal");
        assertThat(request.getPort()).isEqualTo(8081);
        assertThat(request.getURI()).isEqualTo("/v1/accounts/7");
        assertThat(request.getHeaders().get(UpstreamCalls.REQUEST_TIMEOUT_HEADER)).isEqualTo("250");
        assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
    }

    @Test
    void theSchemeGivesTheDefaultPort() {
        assertThat(clients.of("orders", url("https://orders.internal")).port()).isEqualTo(443);
        assertThat(clients.of("directory", url("http://directory.internal")).port()).isEqualTo(80);
    }

    @Test
    void noUrlIsTheUpstreamsFailure() {
        assertThatThrownBy(() -> clients.of("billing", Optional.empty()))
                .isInstanceOf(UpstreamFailureException.class).hasMessage("billing has no URL configured");
    }

    /** Each of these would otherwise be sent to Vert.x's default host (localhost) or lose a part silently. */
    @Test
    void aUrlThisClientCannotCallIsTheUpstreamsFailureAndTheLogSaysWhy() {
        for (String broken : new String[] { "http://billing_svc:8080/v1", "billing.internal:8080", "ftp://billing.internal/",
                "http://billing.internal/v1?tenant=a", "http://user:secret@billing.internal/" }) {
            assertThatThrownBy(() -> clients.of("billing", url(broken))).as(broken)
                    .isInstanceOf(UpstreamFailureException.class).hasMessage("billing has an invalid URL")
                    .cause().hasMessageContaining("got " + broken);
        }
    }

    private static Optional<URI> url(String url) {
        return Optional.of(URI.create(url));
    }

    private static final class Settings implements UpstreamConfig {
        @Override
        public int connectionPoolSize() {
            return 4;
        }

        @Override
        public Duration connectTimeout() {
            return Duration.ofMillis(500);
        }

        @Override
        public Duration readTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration keepAliveTimeout() {
            return Duration.ofSeconds(60);
        }

        @Override
        public int maxWaiting() {
            return 16;
        }

        @Override
        public Duration deadlineMargin() {
            return Duration.ofMillis(10);
        }
    }
}
