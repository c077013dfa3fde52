package dev.fanout.database;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.fanout.support.EmbeddedPostgresControl;
import dev.fanout.support.TestUsers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The application as Terraform configures it on AWS: a secret ARN and no password. The
 * configured user does not exist, so every connection (Flyway's at start, the reactive
 * pool's for requests and readiness) works only with the credentials from the secret.
 */
@QuarkusTest
@TestProfile(DatabaseSecretTest.SecretOnly.class)
class DatabaseSecretTest {

    static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-test-AbCdEf";
    static final Duration CACHE_TTL = Duration.ofMillis(500);

    SecretsManagerStub secretsManager; // injected by SecretsManagerResource

    public static class SecretOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.datasource.credentials-provider", DatabaseCredentialsProvider.FROM_SECRETS_MANAGER, // FANOUT_DB_AUTH=secret
                    "fanout.database.secret.arn", SECRET_ARN,
                    "quarkus.datasource.username", "no_such_role",
                    "quarkus.datasource.password", "wrong",
                    "fanout.database.aws.access-key-id", "AKIDEXAMPLE",
                    "fanout.database.aws.secret-access-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    "fanout.database.aws.session-token", "session-token-example",
                    "fanout.database.secret.cache-ttl", CACHE_TTL.toString());
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SecretsManagerResource.class));
        }
    }

    /** Serves the embedded PostgreSQL's real credentials as the RDS-managed secret would. */
    public static class SecretsManagerResource implements QuarkusTestResourceLifecycleManager {

        private SecretsManagerStub secretsManager;

        @Override
        public Map<String, String> start() {
            secretsManager = SecretsManagerStub.start();
            secretsManager.answer(200, SecretsManagerStub.secretAnswer(SECRET_ARN,
                    "{\"username\":\"postgres\",\"password\":\"postgres\",\"engine\":\"postgres\"}"));
            return Map.of("fanout.database.secret.endpoint", secretsManager.url());
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(secretsManager, new TestInjector.MatchesType(SecretsManagerStub.class));
        }

        @Override
        public void stop() {
            secretsManager.close();
        }
    }

    @Test
    void connectionsUseTheUserAndPasswordFromTheSecret() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        long id = TestUsers.create();
        given().get("/users/" + id).then().statusCode(200);

        assertThat(secretsManager.received()).isNotEmpty().allSatisfy(request -> {
            assertThat(request.body()).contains(SECRET_ARN);
            assertThat(request.headers().get("authorization")).contains("Credential=AKIDEXAMPLE/");
        });
    }

    /** The secret is rotated to another role; the pool's next new connection must log in as that role. */
    @Test
    void aRotatedSecretReachesTheNextNewConnection() throws Exception {
        long id = TestUsers.create();
        String role = "fanout_rotated_" + Long.toHexString(System.nanoTime());
        String rotatedPassword = UUID.randomUUID().toString();
        try (Connection admin = adminConnection(); Statement sql = admin.createStatement()) {
            sql.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + rotatedPassword + "'");
            sql.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO " + role);
            sql.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + role);
            secretsManager.answer(200, SecretsManagerStub.secretAnswer(SECRET_ARN,
                    "{\"username\":\"" + role + "\",\"password\":\"" + rotatedPassword + "\",\"engine\":\"postgres\"}"));
            Thread.sleep(CACHE_TTL.multipliedBy(2).toMillis()); // the cached answer expires
            sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'postgres' "
                    + "AND backend_type = 'client backend' AND pid <> pg_backend_pid()");
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/users/" + id).then().statusCode(200));
        try (Connection admin = adminConnection(); Statement sql = admin.createStatement();
                ResultSet rows = sql.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + role + "'")) {
            rows.next();
            assertThat(rows.getInt(1)).as("the pool's connections logged in as the rotated role").isPositive();
        }
    }

    private static Connection adminConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + EmbeddedPostgresControl.port() + "/postgres",
                "postgres", "postgres");
    }
}
