package dev.fanout.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.fanout.profile.client.BillingAccount;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;

/**
 * What an upstream's answer means ({@link HttpAnswers}), how the exchange's own failures
 * become ours ({@link UpstreamCalls#translate}), and which outcome each is counted as.
 */
class UpstreamFailuresTest {

    private static final String UPSTREAM = "billing";
    private static final ObjectReader ACCOUNT = new ObjectMapper().readerFor(BillingAccount.class);

    @Test
    void a2xxAnswerIsItsJsonReadAsAsked() {
        BillingAccount account = HttpAnswers.read(UPSTREAM,
                answer(200, "{\"userId\":7,\"balance\":\"12.50\",\"currency\":\"EUR\",\"status\":\"active\"}"), ACCOUNT);

        assertThat(account).isEqualTo(new BillingAccount(7, "12.50", "EUR", "active"));
    }

    @Test
    void a404IsNotFound() {
        assertThatThrownBy(() -> HttpAnswers.read(UPSTREAM, answer(404, ""), ACCOUNT))
                .isInstanceOf(UpstreamNotFoundException.class);
    }

    @Test
    void anyOtherStatusIsAFailureThatSaysTheStatus() {
        assertThatThrownBy(() -> HttpAnswers.read(UPSTREAM, answer(500, "{}"), ACCOUNT))
                .isInstanceOf(UpstreamFailureException.class).hasMessage("billing answered HTTP 500")
                .satisfies(failure -> assertThat(((UpstreamFailureException) failure).status()).isEqualTo(502));
        assertThatThrownBy(() -> HttpAnswers.read(UPSTREAM, answer(503, ""), ACCOUNT)).hasMessage("billing answered HTTP 503");
        assertThatThrownBy(() -> HttpAnswers.read(UPSTREAM, answer(302, ""), ACCOUNT)).hasMessage("billing answered HTTP 302");
    }

    @Test
    void aBrokenAnswerIsMalformedAndKeepsTheCause() {
        assertThatThrownBy(() -> HttpAnswers.read(UPSTREAM, answer(200, "{\"userId\":"), ACCOUNT))
                .isInstanceOf(UpstreamFailureException.class).hasMessage("billing sent a malformed answer")
                .hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> HttpAnswers.read(UPSTREAM, answer(200, "<html>"), ACCOUNT))
                .hasMessage("billing sent a malformed answer");
    }

    @Test
    void anEmptyAnswerIsTheUpstreamsFailure() {
        assertThatThrownBy(() -> HttpAnswers.read(UPSTREAM, answer(200, "null"), ACCOUNT))
                .isInstanceOf(UpstreamFailureException.class).hasMessage("billing sent an empty answer");
        assertThatThrownBy(() -> HttpAnswers.read(UPSTREAM, answer(200, ""), ACCOUNT))
                .isInstanceOf(UpstreamFailureException.class).hasMessage("billing sent an empty answer");
    }

    @Test
    void aNetworkFailureSaysTheUpstreamCouldNotBeReached() {
        assertThat(UpstreamCalls.translate(UPSTREAM, new ConnectException("Connection refused")))
                .hasMessage("billing could not be reached or dropped the connection");
        assertThat(UpstreamCalls.translate(UPSTREAM, new HttpClosedException("Connection was closed")))
                .hasMessage("billing could not be reached or dropped the connection");
        assertThat(UpstreamCalls.translate(UPSTREAM, new VertxException("Connection was closed", true)))
                .hasMessage("billing could not be reached or dropped the connection");
        // Vert.x's idle (read) timeout is a java.util.concurrent.TimeoutException of its own (an internal class)
        assertThat(UpstreamCalls.translate(UPSTREAM, new TimeoutException("The timeout period of 5000ms has been exceeded")))
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
        assertThat(UpstreamCalls.outcomeOf(new UpstreamFailureException(UPSTREAM, "answered HTTP 500", null))).isEqualTo("error");
    }

    @Test
    void onlyAClosedOrResetPooledConnectionIsTriedAgain() {
        assertThat(UpstreamCalls.isConnectionClosed(new HttpClosedException("Connection was closed"))).isTrue();
        assertThat(UpstreamCalls.isConnectionClosed(new SocketException("Connection reset"))).isTrue();
        assertThat(UpstreamCalls.isConnectionClosed(new IOException("recvAddress(..) failed: Connection reset by peer"))).isTrue();
        assertThat(UpstreamCalls.isConnectionClosed(new ConnectException("Connection refused"))).isFalse();
        assertThat(UpstreamCalls.isConnectionClosed(new StreamResetException(0))).as("our own reset").isFalse();
        assertThat(UpstreamCalls.isConnectionClosed(new UpstreamFailureException(UPSTREAM, "answered HTTP 500", null))).isFalse();
    }

    private static HttpExchange.Answer answer(int status, String body) {
        return new HttpExchange.Answer(status, Buffer.buffer(body));
    }
}
