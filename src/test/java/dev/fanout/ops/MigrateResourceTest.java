package dev.fanout.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The migrate function's event, POSTed the way the Web Adapter passes Terraform's invocation through. */
@QuarkusTest
class MigrateResourceTest {

    /** What infra/functions.tf sends ({@code aws_lambda_invocation.migrate}). */
    static final String TERRAFORM_EVENT = "{\"action\":\"migrate\"}";
    /** The newest migration under src/main/resources/db/migration. */
    static final String CURRENT_VERSION = "1";

    @Test
    void migrateEventAnswersTheCurrentVersionWithNothingPending() {
        given().contentType(ContentType.JSON).body(TERRAFORM_EVENT)
                .post("/events/migrate")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("schemaVersion", equalTo(CURRENT_VERSION))
                .body("pending", equalTo(0));
    }

    @Test
    void migrateEventIsIdempotent() {
        for (int invocation = 0; invocation < 2; invocation++) {
            given().contentType(ContentType.JSON).body(TERRAFORM_EVENT)
                    .post("/events/migrate")
                    .then().statusCode(200).body("schemaVersion", equalTo(CURRENT_VERSION));
        }
    }
}
