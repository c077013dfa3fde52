package dev.fanout.ops;

import static dev.fanout.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * A migration that cannot run answers a 5xx problem, which the Web Adapter turns into a
 * failed invocation (AWS_LWA_ERROR_STATUS_CODES=500-599), so the deploy stops there.
 */
@QuarkusTest
@TestProfile(MigrateFailureTest.UnreachableMigrationDatabase.class)
class MigrateFailureTest {

    /** Flyway's JDBC URL points at a port nobody listens on; the functions' reactive pool is untouched. */
    public static class UnreachableMigrationDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.flyway.migrate-at-start", "false",
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/postgres?connectTimeout=2");
        }
    }

    @Test
    void migrationThatCannotReachTheDatabaseAnswersAServerErrorProblem() {
        var answer = given().contentType(ContentType.JSON).body(MigrateResourceTest.TERRAFORM_EVENT)
                .post("/events/migrate")
                .then();
        assertProblem(answer, 500);
        answer.body("type", equalTo("urn:fanout:problem:migration-failed"));
    }
}
