package dev.fanout.profile.client;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.fanout.concurrent.Deadline;
import dev.fanout.profile.ProfileConfig;
import dev.fanout.upstream.UpstreamCalls;
import dev.fanout.upstream.UpstreamNotFoundException;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class RecommendationsClient {

    static final String UPSTREAM = "recommendations";

    private final ProfileConfig config;
    private final UpstreamCalls calls;

    public RecommendationsClient(ProfileConfig config, UpstreamCalls calls) {
        this.config = config;
        this.calls = calls;
    }

    /** Recommendations for the user; none (404) is an empty list. */
    public Uni<List<Recommendation>> forUser(long userId, Deadline deadline) {
        return calls.getList(UPSTREAM, "/users/" + userId + "/recommendations", Recommendation.class, config.recommendations(), deadline)
                .onFailure(UpstreamNotFoundException.class).recoverWithItem(List.of());
    }
}
