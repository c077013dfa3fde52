package dev.fanout.sync;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;

import dev.fanout.concurrent.Deadline;
import dev.fanout.http.RequestBudget;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The sync function over HTTP: a batch of user ids, synced from directory into users.
 * A repeated id is synced (and reported) once.
 */
@Path("/sync")
@Produces(MediaType.APPLICATION_JSON)
public class SyncResource {

    private static final Logger LOG = Logger.getLogger(SyncResource.class);

    private final SyncProcessor processor;
    private final SyncConfig config;

    public SyncResource(SyncProcessor processor, SyncConfig config) {
        this.processor = processor;
        this.config = config;
    }

    @APIResponse(responseCode = "200", description = "How many users were synced, and why each failed one failed")
    @APIResponse(responseCode = "400", description = "Malformed JSON, an id that is not a positive integer, or a bad Request-Timeout")
    @APIResponse(responseCode = "413", description = "More ids than fanout.sync.max-batch-size, or a body over 64 KiB")
    @APIResponse(responseCode = "422", description = "userIds is missing")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<SyncReport> sync(@Valid @NotNull SyncRequest request, RoutingContext routing) {
        if (request.userIds().size() > config.maxBatchSize()) {
            throw new SyncBatchTooLargeException(request.userIds().size(), config.maxBatchSize());
        }
        List<Long> userIds = request.userIds().stream().distinct().toList();
        Deadline deadline = RequestBudget.of(routing).deadline(config.batchDeadline(), config.safetyMargin());
        return processor.syncEach(userIds, deadline)
                .map(SyncReport::of)
                .invoke(report -> LOG.infof("Sync of %d user(s): %d processed, %d failed",
                        userIds.size(), report.processed(), report.failed().size()));
    }
}
