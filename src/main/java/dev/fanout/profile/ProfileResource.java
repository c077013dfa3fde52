package dev.fanout.profile;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

import dev.fanout.concurrent.RequestArrival;
import dev.fanout.concurrent.RequestDeadlines;
import dev.fanout.lambda.LambdaContext;
import dev.fanout.problem.Params;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** The profile function: one user's profile, assembled from PostgreSQL and three upstreams under one deadline. */
@Path("/users/{id}/profile")
@Produces(MediaType.APPLICATION_JSON)
public class ProfileResource {

    static final String DEGRADED_HEADER = "X-Degraded";

    private final ProfileService profiles;
    private final RequestDeadlines deadlines;

    public ProfileResource(ProfileService profiles, RequestDeadlines deadlines) {
        this.profiles = profiles;
        this.deadlines = deadlines;
    }

    @GET
    public Uni<RestResponse<Profile>> profile(@PathParam("id") String id,
            @RestHeader(RequestDeadlines.REQUEST_TIMEOUT_HEADER) String requestTimeout,
            @RestHeader(LambdaContext.HEADER) String lambdaContext,
            RoutingContext routing) {
        long userId = Params.positiveId("id", id);
        var deadline = deadlines.forRequest(RequestArrival.of(routing), requestTimeout, lambdaContext);
        return profiles.profileOf(userId, deadline)
                .map(ProfileResource::answer);
    }

    private static RestResponse<Profile> answer(Profile profile) {
        var response = RestResponse.ResponseBuilder.ok(profile);
        if (!profile.degraded().isEmpty()) {
            response.header(DEGRADED_HEADER, String.join(",", profile.degraded()));
        }
        return response.build();
    }
}
