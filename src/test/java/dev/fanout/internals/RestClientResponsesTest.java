package dev.fanout.internals;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.jboss.resteasy.reactive.client.impl.ClientRequestContextImpl;
import org.jboss.resteasy.reactive.client.impl.RestClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;
import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpClientResponse;

/**
 * Fails when the Quarkus REST client's internal request context no longer is what
 * {@link RestClientResponses} unwraps: what the SPI context's implementation holds, with a
 * public accessor for the Vert.x response. (ResettableCallTest exercises it on real calls.)
 */
class RestClientResponsesTest {

    @Test
    void theInternalContextImplementsTheSpiAndHandsOutTheVertxResponse() throws NoSuchMethodException {
        Method response = RestClientRequestContext.class.getMethod("getVertxClientResponse");

        Method held = ClientRequestContextImpl.class.getMethod("getRestClientRequestContext");

        assertThat(ResteasyReactiveClientRequestContext.class).isAssignableFrom(ClientRequestContextImpl.class);
        assertThat(held.getReturnType()).isEqualTo(RestClientRequestContext.class);
        assertThat(response.getReturnType()).isEqualTo(HttpClientResponse.class);
        assertThat(Modifier.isPublic(response.getModifiers())).isTrue();
    }
}
