package dev.fanout.ops;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.jboss.logging.Logger;

import io.quarkus.arc.InjectableInstance;
import io.smallrye.common.annotation.Blocking;

/**
 * The migrate function. Terraform invokes it once per deploy ({@code aws_lambda_invocation});
 * the Web Adapter POSTs that event to the pass-through path
 * ({@code AWS_LWA_PASS_THROUGH_PATH=/events/migrate}) and returns this answer's JSON body
 * as the invocation's result. The function also runs with
 * {@code QUARKUS_FLYWAY_MIGRATE_AT_START=true}, so the schema is usually current by the
 * time the event arrives; migrating here as well makes the invocation alone enough.
 * The event's body is not read: its arrival is the whole message.
 *
 * <p>Flyway is looked up when the event arrives, not injected at start: Flyway speaks JDBC, and
 * without {@code QUARKUS_DATASOURCE_JDBC_URL} Quarkus deactivates the JDBC datasource and its
 * Flyway. A function that never migrates needs only the reactive URL, so it must start without
 * the JDBC one; a migrate event then fails (500) and the log names the variable.
 *
 * <p>Events that arrive together are migrated one after the other: each Flyway run holds a
 * JDBC connection for as long as it reads the history and runs DDL, and the JDBC pool is
 * sized for one run ({@code quarkus.datasource.jdbc.max-size}); concurrent runs would fail
 * one another with an acquisition timeout. A later event finds nothing pending and answers at once.
 */
@Path("/events/migrate")
public class MigrateResource {

    private static final Logger LOG = Logger.getLogger(MigrateResource.class);

    private final InjectableInstance<Flyway> flyways;
    private final ReentrantLock oneMigrationAtATime = new ReentrantLock(true);

    public MigrateResource(InjectableInstance<Flyway> flyways) {
        this.flyways = flyways;
    }

    @APIResponse(responseCode = "200", description = "The schema's version, and no migration pending")
    @APIResponse(responseCode = "500", description = "The migration failed, or there is no JDBC datasource (QUARKUS_DATASOURCE_JDBC_URL); the log says why")
    /**
     * Blocking on purpose, on a worker thread: Flyway speaks JDBC, takes a lock in the
     * database and may run DDL for a long time, all of which would stall the event loop
     * (and trip the blocked-thread checker) if it ran there.
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public MigrationStatus migrate(String ignoredEvent) {
        List<Flyway> active = flyways.listActive();
        if (active.isEmpty()) {
            LOG.error("Cannot migrate: QUARKUS_DATASOURCE_JDBC_URL (jdbc:postgresql://host:5432/db) is not set");
            throw new MigrationFailedException(new IllegalStateException("no JDBC datasource"));
        }
        Flyway flyway = active.get(0);
        oneMigrationAtATime.lock();
        try {
            MigrationStatus before = statusOf(flyway.info());
            if (before.pending() == 0) {
                LOG.infof("Schema at version %s; no migration pending", before.schemaVersion());
                return before;
            }
            LOG.infof("Schema at version %s; migrating %d pending migration(s)", before.schemaVersion(), before.pending());
            flyway.migrate();
            MigrationStatus after = statusOf(flyway.info());
            LOG.infof("Schema migrated to version %s", after.schemaVersion());
            return after;
        } catch (RuntimeException e) {
            LOG.error("Migration failed", e);
            throw new MigrationFailedException(e);
        } finally {
            oneMigrationAtATime.unlock();
        }
    }

    private static MigrationStatus statusOf(MigrationInfoService info) {
        MigrationInfo current = info.current();
        String version = current == null || current.getVersion() == null ? null : current.getVersion().getVersion();
        return new MigrationStatus(version, info.pending().length);
    }
}
