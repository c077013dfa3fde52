package dev.fanout.profile.client;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.fanout.concurrent.Deadline;
import dev.fanout.profile.ProfileConfig;
import dev.fanout.upstream.UpstreamCalls;
import dev.fanout.upstream.UpstreamNotFoundException;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class OrdersClient {

    static final String UPSTREAM = "orders";

    private final ProfileConfig config;
    private final UpstreamCalls calls;

    public OrdersClient(ProfileConfig config, UpstreamCalls calls) {
        this.config = config;
        this.calls = calls;
    }

    /** The user's most recent orders; a user orders has never seen (404) has none. */
    public Uni<List<Order>> recentOf(long userId, Deadline deadline) {
        int limit = config.orders().limit();
        return calls.getList(UPSTREAM, "/users/" + userId + "/orders?limit=" + limit, Order.class, config.orders(), deadline)
                .onFailure(UpstreamNotFoundException.class).recoverWithItem(List.of());
    }
}
