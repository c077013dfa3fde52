package dev.fanout.users;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.Cancellable;

import dev.fanout.problem.Params;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * The users function: CRUD over PostgreSQL. A resource that only forwards to
 * its repository, so it has no service; the repository holds the queries.
 *
 * <p>Not cancelled when the client goes away ({@code @Cancellable(false)}): a
 * Hibernate Reactive session cancelled while its connection is being acquired
 * never gives that connection back (hibernate-reactive#4133). Each operation is
 * one short, pool-bounded statement, so letting it finish costs little; its
 * session then closes and the connection returns.
 */
@Cancellable(false)
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    static final int DEFAULT_PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 200;

    private final UserRepository users;

    public UserResource(UserRepository users) {
        this.users = users;
    }

    // 201 is not the status SmallRye infers for a POST, so the schema is named here.
    @APIResponse(responseCode = "201", description = "The user, created; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, or JSON of the wrong shape")
    @APIResponse(responseCode = "409", description = "Another user has this email")
    @APIResponse(responseCode = "422", description = "A field breaks a rule; errors lists which")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @WithTransaction
    public Uni<RestResponse<UserView>> create(@Valid @NotNull CreateUserRequest request) {
        return users.create(request)
                .map(UserView::of)
                .map(UserResource::created);
    }

    @APIResponse(responseCode = "200", description = "The user")
    @APIResponse(responseCode = "400", description = "The id is not a positive integer")
    @APIResponse(responseCode = "404", description = "There is no such user")
    @GET
    @Path("/{id}")
    @WithSession
    public Uni<UserView> get(@PathParam("id") String id) {
        return users.findExisting(Params.positiveId("id", id))
                .map(UserView::of);
    }

    @APIResponse(responseCode = "200", description = "A page of users, and the id to continue after (null on the last page)")
    @APIResponse(responseCode = "400", description = "limit is not 1..200, or after is not a positive integer")
    @GET
    @WithSession
    public Uni<UserPage> list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int size = Params.intInRange("limit", limit, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        long afterId = after == null || after.isEmpty() ? 0 : Params.positiveId("after", after);
        return users.pageAfter(afterId, size + 1)
                .map(rows -> page(rows, size));
    }

    @APIResponse(responseCode = "200", description = "The user, changed")
    @APIResponse(responseCode = "400", description = "The id is not a positive integer, or the JSON is malformed or of the wrong shape")
    @APIResponse(responseCode = "404", description = "There is no such user")
    @APIResponse(responseCode = "409", description = "Another user has this email")
    @APIResponse(responseCode = "422", description = "A field breaks a rule; errors lists which")
    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @WithTransaction
    public Uni<UserView> update(@PathParam("id") String id, @Valid @NotNull UpdateUserRequest changes) {
        return users.findExisting(Params.positiveId("id", id))
                .chain(user -> users.update(user, changes))
                .map(UserView::of);
    }

    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "400", description = "The id is not a positive integer")
    @APIResponse(responseCode = "404", description = "There is no such user")
    @DELETE
    @Path("/{id}")
    @WithTransaction
    public Uni<Response> delete(@PathParam("id") String id) {
        long userId = Params.positiveId("id", id);
        return users.deleteOne(userId)
                .map(deleted -> deletedOrMissing(deleted, userId));
    }

    private static RestResponse<UserView> created(UserView user) {
        // A relative Location: behind API Gateway the app cannot know the public host.
        return RestResponse.ResponseBuilder.<UserView>create(RestResponse.Status.CREATED, user)
                .header("Location", "/users/" + user.id())
                .build();
    }

    /** One row beyond the page was read: if it came back, there is a next page. */
    private static UserPage page(List<User> rows, int size) {
        boolean hasMore = rows.size() > size;
        List<UserView> items = rows.stream().limit(size).map(UserView::of).toList();
        String next = hasMore ? Long.toString(items.get(items.size() - 1).id()) : null;
        return new UserPage(items, next);
    }

    private static Response deletedOrMissing(boolean deleted, long id) {
        if (!deleted) {
            throw new UserNotFoundException(id);
        }
        return Response.noContent().build();
    }
}
