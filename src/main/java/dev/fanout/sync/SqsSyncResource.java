package dev.fanout.sync;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.fanout.concurrent.Deadline;
import dev.fanout.http.RequestBudget;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The sync function on SQS. The Lambda Web Adapter POSTs every non-HTTP event to the
 * pass-through path ({@code AWS_LWA_PASS_THROUGH_PATH=/events/sqs}) and returns the
 * answer's body to Lambda as the function's result, so the answer is always JSON:
 * {@code {"batchItemFailures":[...]}}. Any content type is taken, since the adapter's
 * is not ours to choose, and a 415 would read as "all succeeded".
 */
@Path("/events/sqs")
public class SqsSyncResource {

    private final SqsSyncHandler handler;
    private final SyncConfig config;

    public SqsSyncResource(SqsSyncHandler handler, SyncConfig config) {
        this.handler = handler;
        this.config = config;
    }

    @APIResponse(responseCode = "200", description = "The messages that failed, for SQS to retry")
    @APIResponse(responseCode = "400", description = "Not an SQS event; it also lists an empty itemIdentifier, so that Lambda fails the whole batch")
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<SqsBatchResponse> receive(String event, RoutingContext routing) {
        Deadline deadline = RequestBudget.of(routing).eventDeadline(config.batchDeadline(), config.safetyMargin());
        return handler.handle(event, deadline);
    }

    @ServerExceptionMapper
    public Response unreadable(UnreadableSqsEventException e) {
        return e.toResponse();
    }
}
