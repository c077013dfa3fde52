package dev.fanout.ops;

import static dev.fanout.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.fanout.support.EmbeddedPostgresControl;
import dev.fanout.support.TestUsers;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ReadinessTest {

    private static final Duration RECOVERY = Duration.ofSeconds(30);

    @Test
    void livenessAndReadinessAreUpWithTheDatabase() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessGoesDownWhenTheDatabaseStopsAndUpWhenItReturns() {
        long id = TestUsers.create(); // the pool holds live connections when the database goes away

        EmbeddedPostgresControl.stop();
        try {
            await().atMost(RECOVERY).untilAsserted(() -> given().get("/q/health/ready")
                    .then().statusCode(503).body("status", equalTo("DOWN")));
            given().get("/q/health/live").then().statusCode(200);
            assertProblem(given().get("/users/" + id).then(), 503);
        } finally {
            EmbeddedPostgresControl.start();
        }

        await().atMost(RECOVERY).untilAsserted(() -> given().get("/q/health/ready")
                .then().statusCode(200).body("status", equalTo("UP")));
        TestUsers.create();
    }

    @Test
    void openApiDocumentsTheUsersRoutes() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/users'.post", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/users/{id}'.patch", org.hamcrest.Matchers.notNullValue());
    }
}
