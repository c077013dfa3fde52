package dev.fanout.profile.client;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import dev.fanout.concurrent.Deadline;
import dev.fanout.profile.ProfileConfig;
import dev.fanout.upstream.UpstreamCalls;
import dev.fanout.upstream.UpstreamFailureException;
import dev.fanout.upstream.UpstreamNotFoundException;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class BillingClient {

    static final String UPSTREAM = "billing";

    private final BillingRestClient billing;
    private final ProfileConfig config;
    private final UpstreamCalls calls;

    public BillingClient(@RestClient BillingRestClient billing, ProfileConfig config, UpstreamCalls calls) {
        this.billing = billing;
        this.config = config;
        this.calls = calls;
    }

    /** The user's account. Billing holds one for every user we have, so a 404 is billing's fault: a failure. */
    public Uni<BillingAccount> accountOf(long userId, Deadline deadline) {
        return calls.call(UPSTREAM, requestTimeout -> billing.account(userId, requestTimeout), config.billing(), deadline)
                .onFailure(UpstreamNotFoundException.class)
                .transform(missing -> new UpstreamFailureException(UPSTREAM, "has no account for this user", missing));
    }
}
