package dev.fanout.upstream;

import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestFilter;

/** Registered for every REST client: lets a {@link ResettableCall} find its request. */
@Provider
public class ResettableCallFilter implements ResteasyReactiveClientRequestFilter {

    @Override
    public void filter(ResteasyReactiveClientRequestContext request) {
        ResettableCall.capture(request);
    }
}
