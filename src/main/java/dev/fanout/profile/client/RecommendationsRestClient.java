package dev.fanout.profile.client;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

@RegisterRestClient(configKey = "recommendations")
@Produces(MediaType.APPLICATION_JSON)
interface RecommendationsRestClient {

    @GET
    @Path("/users/{userId}/recommendations")
    Uni<List<Recommendation>> forUser(@PathParam("userId") long userId);
}
