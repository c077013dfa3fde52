package dev.fanout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.fanout.database.SecretsManagerStub;
import dev.fanout.support.PackagedApp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The packaged application as a container or a function that never migrates runs it: the
 * reactive URL and no {@code QUARKUS_DATASOURCE_JDBC_URL}. It starts and serves; only a
 * migration needs the JDBC URL, and asking for one without it fails with a message naming it.
 *
 * <p>The launch is also the IAM path of {@code FANOUT_DB_AUTH=iam} end to end, in the real
 * artifact: the role's credentials come from a loopback container-credentials endpoint, and
 * every connection's password is a locally signed RDS IAM token. (The embedded PostgreSQL
 * trusts local connections, so it cannot check the token; {@code RdsIamTokensTest} checks
 * the token itself.)
 */
class WithoutJdbcUrlIT {

    private static final Path POSTGRES_DIR = Path.of("target", "without-jdbc-url-it-postgres");
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final String AUTHORIZATION = "container-authorization-it";
    private static final Path SCHEMA = Path.of("src", "main", "resources", "db", "migration", "V1__create_users.sql");

    private static EmbeddedPostgres postgres;
    private static SecretsManagerStub containerCredentials;

    @BeforeAll
    static void startPostgres() throws Exception {
        Files.createDirectories(POSTGRES_DIR);
        postgres = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(POSTGRES_DIR.toAbsolutePath().toFile())
                .setPGStartupWait(STARTUP)
                .start();
        // The schema, as the migrate step of a deploy would have left it.
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres",
                "postgres", "postgres"); Statement sql = admin.createStatement()) {
            sql.execute(Files.readString(SCHEMA));
        }
        containerCredentials = SecretsManagerStub.start();
        containerCredentials.answer(200, "{\"AccessKeyId\":\"ASIAITEXAMPLE\",\"SecretAccessKey\":\"it-secret-key\","
                + "\"Token\":\"it-session\",\"Expiration\":\"" + java.time.Instant.now().plus(Duration.ofHours(1)) + "\"}");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (containerCredentials != null) {
            containerCredentials.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void startsAndServesWithTheReactiveUrlAloneAndIamTokensAsPasswords() throws Exception {
        Map<String, String> env = new HashMap<>(PackagedApp.database(postgres.getPort(), false));
        env.remove("QUARKUS_DATASOURCE_PASSWORD"); // IAM: no password anywhere
        env.put("FANOUT_DB_AUTH", "iam");
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", containerCredentials.url() + "/v2/credentials");
        env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTHORIZATION);
        try (PackagedApp app = PackagedApp.start(env, Path.of("target", "without-jdbc-url-it.log"))) {
            app.awaitOk("/q/health/ready", STARTUP);

            HttpResponse<String> created = app.send(app.request("/users")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"it-" + UUID.randomUUID() + "@example.com\",\"displayName\":\"No JDBC\",\"plan\":\"pro\"}")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(app.send(app.request(created.headers().firstValue("Location").orElseThrow()).GET()).statusCode())
                    .isEqualTo(200);
            assertThat(containerCredentials.received()).as("the role's credentials came from the endpoint")
                    .isNotEmpty()
                    .allSatisfy(request -> assertThat(request.headers()).containsEntry("authorization", AUTHORIZATION));

            HttpResponse<String> migrate = app.send(app.request("/events/migrate")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(migrate.statusCode()).as("a migration without the JDBC URL fails the invocation").isEqualTo(500);
            assertThat(migrate.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(app.log()).contains("QUARKUS_DATASOURCE_JDBC_URL").doesNotContain("is not configured");
        }
    }

    @Test
    void migrateAtStartWithoutTheJdbcUrlRefusesToStartAndNamesIt() throws Exception {
        Map<String, String> env = new HashMap<>(PackagedApp.database(postgres.getPort(), false));
        env.put("QUARKUS_FLYWAY_MIGRATE_AT_START", "true");
        try (PackagedApp app = PackagedApp.start(env, Path.of("target", "without-jdbc-url-it-migrate.log"))) {
            assertThat(app.process().waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)).as("exited; log:\n%s", app.logTail()).isTrue();
            assertThat(app.process().exitValue()).isNotZero();
            assertThat(app.log()).contains("QUARKUS_DATASOURCE_JDBC_URL");
        }
    }
}
