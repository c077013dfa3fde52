package dev.fanout.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.fanout.support.Burst;
import io.quarkus.test.common.http.TestHTTPResource;
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

    @TestHTTPResource("/events/migrate")
    URL migrate;

    /**
     * More events at once than the JDBC pool has connections (2): each waits its turn
     * instead of failing on an acquisition timeout, and each answers the current version.
     */
    @Test
    void eventsThatArriveTogetherAreMigratedInTurn() throws Exception {
        URI target = migrate.toURI();
        List<HttpResponse<String>> answers = Burst.of(12, () -> HttpRequest.newBuilder(target)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TERRAFORM_EVENT)).build());

        assertThat(answers).as(Burst.problemsOf(answers)).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"schemaVersion\":\"" + CURRENT_VERSION + "\"").contains("\"pending\":0");
        });
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
