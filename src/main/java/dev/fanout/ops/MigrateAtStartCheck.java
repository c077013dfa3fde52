package dev.fanout.ops;

import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;

/**
 * A launch asked to migrate at start ({@code QUARKUS_FLYWAY_MIGRATE_AT_START=true}) without
 * {@code QUARKUS_DATASOURCE_JDBC_URL} would start without migrating: Quarkus deactivates the JDBC
 * datasource and its Flyway quietly, since every other launch runs well without them. This one
 * fails its start instead, naming the variable, so a deploy's migrate step cannot pass while
 * doing nothing.
 */
@Singleton
class MigrateAtStartCheck {

    void refuseToMigrateWithoutJdbc(@Observes StartupEvent start,
            @ConfigProperty(name = "quarkus.flyway.migrate-at-start") boolean migrateAtStart,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> jdbcUrl) {
        if (migrateAtStart && jdbcUrl.isEmpty()) {
            throw new IllegalStateException("QUARKUS_FLYWAY_MIGRATE_AT_START=true needs QUARKUS_DATASOURCE_JDBC_URL "
                    + "(jdbc:postgresql://host:5432/db): Flyway migrates over JDBC");
        }
    }
}
