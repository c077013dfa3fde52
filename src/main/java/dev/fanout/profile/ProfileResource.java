package dev.fanout.profile;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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

    @APIResponse(responseCode = "200", description = "The profile; an optional part that failed is null and named in degraded and X-Degraded")
    @APIResponse(responseCode = "400", description = "The id is not a positive integer, or Request-Timeout is not a positive number of milliseconds")
    @APIResponse(responseCode = "404", description = "There is no such user")
    @APIResponse(responseCode = "502", description = "Billing failed, or has no account for the user")
    @APIResponse(responseCode = "503", description = "The database or billing cannot serve now, or this instance is shutting down; Retry-After says when to retry")
    @APIResponse(responseCode = "504", description = "Billing or the user's read timed out, or the deadline passed")
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
