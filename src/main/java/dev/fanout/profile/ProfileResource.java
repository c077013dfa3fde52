package dev.fanout.profile;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import dev.fanout.http.RequestBudget;
import dev.fanout.problem.Params;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** The profile function: one user's profile, assembled from PostgreSQL and three upstreams under one deadline. */
@Path("/users/{id}/profile")
@Produces(MediaType.APPLICATION_JSON)
public class ProfileResource {

    static final String DEGRADED_HEADER = "X-Degraded";

    private final ProfileService profiles;

    public ProfileResource(ProfileService profiles) {
        this.profiles = profiles;
    }

    @GET
    public Uni<RestResponse<Profile>> profile(@PathParam("id") String id, RoutingContext routing) {
        long userId = Params.positiveId("id", id);
        var deadline = RequestBudget.of(routing).deadline();
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
