package dev.fanout.internals;

import org.jboss.resteasy.reactive.client.impl.RestClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;

import io.vertx.core.http.HttpClientResponse;

/**
 * The Vert.x response under a Quarkus REST client call. The client's SPI context
 * ({@link ResteasyReactiveClientRequestContext}) unwraps to the Vert.x request, but not to
 * its response; only the internal {@link RestClientRequestContext} holds that.
 */
public final class RestClientResponses {

    private RestClientResponses() {
    }

    /** The call's Vert.x response once its head has arrived, else null. */
    public static HttpClientResponse vertxResponseOf(ResteasyReactiveClientRequestContext request) {
        RestClientRequestContext context = request.unwrap(RestClientRequestContext.class);
        return context == null ? null : context.getVertxClientResponse();
    }
}
