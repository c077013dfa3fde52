package dev.fanout.users;

import static dev.fanout.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.fanout.support.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
class UserResourceTest {

    private static final String DISPLAY_NAME = "Ada Lovelace";
    private static final String PLAN = "pro";

    @Test
    void createAnswers201WithLocationAndTheUser() {
        String email = TestUsers.uniqueEmail();

        ExtractableResponse<Response> created = given().contentType(ContentType.JSON)
                .body(TestUsers.body(email, DISPLAY_NAME, PLAN))
                .when().post("/users")
                .then().statusCode(201)
                .contentType(ContentType.JSON)
                .body("email", equalTo(email))
                .body("displayName", equalTo(DISPLAY_NAME))
                .body("plan", equalTo(PLAN))
                .body("createdAt", notNullValue())
                .extract();

        long id = created.jsonPath().getLong("id");
        assertThat(id).isPositive();
        assertThat(created.header("Location")).isEqualTo("/users/" + id);
        assertThat(created.jsonPath().getString("updatedAt")).isEqualTo(created.jsonPath().getString("createdAt"));
    }

    @Test
    void getAnswersTheStoredUser() {
        String email = TestUsers.uniqueEmail();
        ExtractableResponse<Response> created = given().contentType(ContentType.JSON)
                .body(TestUsers.body(email, DISPLAY_NAME, PLAN)).post("/users").then().statusCode(201).extract();
        long id = created.jsonPath().getLong("id");

        given().when().get("/users/" + id)
                .then().statusCode(200)
                .body("id", equalTo((int) id))
                .body("email", equalTo(email))
                .body("displayName", equalTo(DISPLAY_NAME))
                .body("plan", equalTo(PLAN))
                .body("createdAt", equalTo(created.jsonPath().getString("createdAt")))
                .body("updatedAt", equalTo(created.jsonPath().getString("updatedAt")));
    }

    @Test
    void getOfAMissingUserIs404() {
        assertProblem(given().when().get("/users/" + Long.MAX_VALUE).then(), 404);
    }

    @Test
    void createWithATakenEmailIs409() {
        String email = TestUsers.uniqueEmail();
        TestUsers.create(email, DISPLAY_NAME, PLAN);

        assertProblem(given().contentType(ContentType.JSON).body(TestUsers.body(email, "Someone Else", "free"))
                .when().post("/users").then(), 409);
    }

    @Test
    void patchChangesOnlyTheGivenFieldsAndTouchesUpdatedAt() {
        String email = TestUsers.uniqueEmail();
        long id = TestUsers.create(email, DISPLAY_NAME, "free");
        String createdAt = given().get("/users/" + id).jsonPath().getString("createdAt");

        ExtractableResponse<Response> patched = given().contentType(ContentType.JSON).body("{\"plan\":\"team\"}")
                .when().patch("/users/" + id)
                .then().statusCode(200)
                .body("plan", equalTo("team"))
                .body("email", equalTo(email))
                .body("displayName", equalTo(DISPLAY_NAME))
                .body("createdAt", equalTo(createdAt))
                .extract();

        assertThat(Instant.parse(patched.jsonPath().getString("updatedAt"))).isAfter(Instant.parse(createdAt));
        given().get("/users/" + id).then().body("plan", equalTo("team"));
    }

    @Test
    void patchOfAMissingUserIs404() {
        assertProblem(given().contentType(ContentType.JSON).body("{\"plan\":\"team\"}")
                .when().patch("/users/" + Long.MAX_VALUE).then(), 404);
    }

    @Test
    void patchToATakenEmailIs409AndChangesNothing() {
        String taken = TestUsers.uniqueEmail();
        TestUsers.create(taken, DISPLAY_NAME, PLAN);
        String own = TestUsers.uniqueEmail();
        long id = TestUsers.create(own, DISPLAY_NAME, PLAN);

        assertProblem(given().contentType(ContentType.JSON).body("{\"email\":\"" + taken + "\"}")
                .when().patch("/users/" + id).then(), 409);
        given().get("/users/" + id).then().body("email", equalTo(own));
    }

    @Test
    void deleteAnswers204ThenTheUserIsGone() {
        long id = TestUsers.create();

        given().when().delete("/users/" + id).then().statusCode(204);

        assertProblem(given().when().get("/users/" + id).then(), 404);
        assertProblem(given().when().delete("/users/" + id).then(), 404);
    }
}
