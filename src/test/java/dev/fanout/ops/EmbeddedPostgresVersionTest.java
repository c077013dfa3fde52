package dev.fanout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import dev.fanout.support.EmbeddedPostgresControl;
import io.quarkus.test.junit.QuarkusTest;

/** Dev mode and the tests run the PostgreSQL major version that RDS runs (infra/ db_engine_version). */
@QuarkusTest
class EmbeddedPostgresVersionTest {

    private static final int RDS_MAJOR_VERSION = 16;

    @Test
    void theEmbeddedServerIsTheMajorVersionRdsRuns() throws Exception {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + EmbeddedPostgresControl.port() + "/postgres", "postgres", "postgres");
                Statement sql = connection.createStatement();
                ResultSet version = sql.executeQuery("SHOW server_version_num")) {
            version.next();
            assertThat(version.getInt(1) / 10000).isEqualTo(RDS_MAJOR_VERSION);
        }
    }
}
