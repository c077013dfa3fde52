package dev.fanout.profile.client;

import jakarta.enterprise.context.ApplicationScoped;

import dev.fanout.concurrent.Deadline;
import dev.fanout.profile.ProfileConfig;
import dev.fanout.upstream.UpstreamCalls;
import dev.fanout.upstream.UpstreamFailureException;
import dev.fanout.upstream.UpstreamNotFoundException;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class BillingClient {

    static final String UPSTREAM = "billing";

    private final ProfileConfig config;
    private final UpstreamCalls calls;

    public BillingClient(ProfileConfig config, UpstreamCalls calls) {
        this.config = config;
        this.calls = calls;
    }

    /** The user's account. Billing holds one for every user we have, so a 404 is billing's fault: a failure. */
    public Uni<BillingAccount> accountOf(long userId, Deadline deadline) {
        return calls.get(UPSTREAM, "/accounts/" + userId, BillingAccount.class, config.billing(), deadline)
                .onFailure(UpstreamNotFoundException.class)
                .transform(missing -> new UpstreamFailureException(UPSTREAM, "has no account for this user", missing));
    }
}
