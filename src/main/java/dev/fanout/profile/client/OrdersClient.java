package dev.fanout.profile.client;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import dev.fanout.concurrent.Deadline;
import dev.fanout.profile.ProfileConfig;
import dev.fanout.upstream.UpstreamCalls;
import dev.fanout.upstream.UpstreamNotFoundException;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class OrdersClient {

    static final String UPSTREAM = "orders";

    private final OrdersRestClient orders;
    private final ProfileConfig config;
    private final UpstreamCalls calls;

    public OrdersClient(@RestClient OrdersRestClient orders, ProfileConfig config, UpstreamCalls calls) {
        this.orders = orders;
        this.config = config;
        this.calls = calls;
    }

    /** The user's most recent orders; a user orders has never seen (404) has none. */
    public Uni<List<Order>> recentOf(long userId, Deadline deadline) {
        int limit = config.orders().limit();
        return calls.call(UPSTREAM, requestTimeout -> orders.recent(userId, limit, requestTimeout), config.orders(), deadline)
                .onFailure(UpstreamNotFoundException.class).recoverWithItem(List.of());
    }
}
