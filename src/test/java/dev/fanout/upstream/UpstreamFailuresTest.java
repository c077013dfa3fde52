package dev.fanout.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParseException;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;

/** How an upstream call's failures become ours ({@link UpstreamCalls#translate}) and which outcome each is counted as. */
class UpstreamFailuresTest {

    private static final String UPSTREAM = "billing";

    @Test
    void a404IsNotFound() {
        assertThat(UpstreamCalls.translate(UPSTREAM, http(404))).isInstanceOf(UpstreamNotFoundException.class);
    }

    @Test
    void anyOtherStatusIsAFailureThatSaysTheStatusAndKeepsTheCause() {
        WebApplicationException answer = http(500);

        Throwable translated = UpstreamCalls.translate(UPSTREAM, answer);

        assertThat(translated).isInstanceOf(UpstreamFailureException.class).hasMessage("billing answered HTTP 500")
                .hasCause(answer);
        assertThat(((UpstreamFailureException) translated).status()).isEqualTo(502);
        assertThat(UpstreamCalls.translate(UPSTREAM, http(503))).hasMessage("billing answered HTTP 503");
    }

    @Test
    void aBrokenAnswerIsMalformedWhereverItIsWrapped() {
        var broken = new RuntimeException("decoding failed", new JsonParseException(null, "Unexpected character"));

        assertThat(UpstreamCalls.translate(UPSTREAM, broken)).hasMessage("billing sent a malformed answer");
    }

    @Test
    void aNetworkFailureSaysTheUpstreamCouldNotBeReached() {
        assertThat(UpstreamCalls.translate(UPSTREAM, new ConnectException("Connection refused")))
                .hasMessage("billing could not be reached or dropped the connection");
        assertThat(UpstreamCalls.translate(UPSTREAM, new VertxException("Connection was closed", true)))
                .hasMessage("billing could not be reached or dropped the connection");
    }

    @Test
    void anythingElseIsAPlainFailureThatNamesNoInternals() {
        var bug = new IllegalStateException("io.vertx.core.impl.SomeInternal blew up");

        assertThat(UpstreamCalls.translate(UPSTREAM, bug)).isInstanceOf(UpstreamFailureException.class)
                .hasMessage("billing failed").hasCause(bug);
    }

    @Test
    void eachFailureIsCountedAsItsOutcome() {
        assertThat(UpstreamCalls.outcomeOf(null)).isEqualTo("success");
        assertThat(UpstreamCalls.outcomeOf(new UpstreamTimeoutException(UPSTREAM, Duration.ofSeconds(1)))).isEqualTo("timeout");
        assertThat(UpstreamCalls.outcomeOf(new UpstreamSaturatedException(UPSTREAM))).isEqualTo("rejected");
        assertThat(UpstreamCalls.outcomeOf(new UpstreamNotFoundException(UPSTREAM))).isEqualTo("not_found");
        assertThat(UpstreamCalls.outcomeOf(UpstreamCalls.translate(UPSTREAM, http(500)))).isEqualTo("error");
    }

    @Test
    void onlyAClosedOrResetPooledConnectionIsTriedAgain() {
        assertThat(UpstreamCalls.isConnectionClosed(new RuntimeException(HttpClosedException.class.getName(),
                new HttpClosedException("Connection was closed")))).isTrue();
        assertThat(UpstreamCalls.isConnectionClosed(new IOException("Connection was closed"))).isTrue();
        assertThat(UpstreamCalls.isConnectionClosed(new IOException("Connection reset by peer"))).isTrue();
        assertThat(UpstreamCalls.isConnectionClosed(new ConnectException("Connection refused"))).isFalse();
        assertThat(UpstreamCalls.isConnectionClosed(http(500))).isFalse();
    }

    private static WebApplicationException http(int status) {
        return new WebApplicationException(Response.status(status).build());
    }
}
