package dev.fanout.sync.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import dev.fanout.upstream.UpstreamCalls;
import io.smallrye.mutiny.Uni;

@RegisterRestClient(configKey = "directory")
@Produces(MediaType.APPLICATION_JSON)
interface DirectoryRestClient {

    @GET
    @Path("/people/{userId}")
    Uni<DirectoryPerson> person(@PathParam("userId") long userId,
            @HeaderParam(UpstreamCalls.REQUEST_TIMEOUT_HEADER) Long requestTimeoutMillis);
}
