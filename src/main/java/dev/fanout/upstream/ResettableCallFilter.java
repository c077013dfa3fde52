package dev.fanout.upstream;

import jakarta.annotation.Priority;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestFilter;

/**
 * Registered for every REST client: lets a {@link ResettableCall} find its request. First
 * in the chain, so that no other filter can move it off the subscribing thread before.
 */
@Provider
@Priority(Integer.MIN_VALUE)
public class ResettableCallFilter implements ResteasyReactiveClientRequestFilter {

    @Override
    public void filter(ResteasyReactiveClientRequestContext request) {
        ResettableCall.capture(request);
    }
}
