package dev.fanout.users;

import static dev.fanout.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.fanout.support.TestUsers;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every class of bad input gets its own 4xx problem, never a 500, and never an internal detail. */
@QuarkusTest
class UserInputProblemsTest {

    /** The API body limit of application.properties, read rather than restated. */
    @ConfigProperty(name = "fanout.http.max-api-body-size")
    MemorySize bodyLimit;

    @Test
    void nonNumericOrOutOfRangeIdIs400() {
        for (String id : List.of("abc", "1.5", "-3", "0", "99999999999999999999", "1e3", "%20")) {
            assertProblem(given().get("/users/" + id).then(), 400);
            assertProblem(given().delete("/users/" + id).then(), 400);
            assertProblem(given().contentType(ContentType.JSON).body("{}").patch("/users/" + id).then(), 400);
        }
    }

    @Test
    void malformedJsonIs400() {
        for (String body : List.of("{\"email\":", "not json", "{\"email\":\"a@example.com\",}", "[1,2]",
                "{\"email\":\"a@example.com\",\"displayName\":{\"nested\":1},\"plan\":\"pro\"}")) {
            assertProblem(given().contentType(ContentType.JSON).body(body).post("/users").then(), 400);
        }
        long id = TestUsers.create();
        assertProblem(given().contentType(ContentType.JSON).body("{\"plan\":").patch("/users/" + id).then(), 400);
    }

    @Test
    void jsonNestedDeeperThanTheLimitIs400() {
        String tooDeep = "[".repeat(65) + "]".repeat(65);
        for (String body : List.of(tooDeep, "{\"email\":" + tooDeep + "}", "[".repeat(1_000) + "]".repeat(1_000))) {
            // (deeper bombs are in FuzzTest: RestAssured's request log would pretty-print this one quadratically)
            assertProblem(given().contentType(ContentType.JSON).body(body).post("/users").then(), 400);
            assertProblem(given().contentType(ContentType.JSON).body(body).post("/sync").then(), 400);
        }
    }

    @Test
    void wrongContentTypeIs415() {
        assertProblem(given().contentType(ContentType.TEXT).body(TestUsers.body(TestUsers.uniqueEmail(), "A", "pro"))
                .post("/users").then(), 415);
        assertProblem(given().contentType(ContentType.XML).body("<user/>").post("/users").then(), 415);
    }

    @Test
    void oversizedBodyIs413() {
        String huge = TestUsers.body(TestUsers.uniqueEmail(), "x".repeat((int) bodyLimit.asLongValue()), "pro");

        assertProblem(given().contentType(ContentType.JSON).body(huge).post("/users").then(), 413);
    }

    @Test
    void validationFailuresAre422AndNameTheFields() {
        var answer = given().contentType(ContentType.JSON)
                .body(TestUsers.body("not-an-email", " ", "gold"))
                .post("/users").then();

        assertProblem(answer, 422);
        assertThat(answer.extract().jsonPath().getList("errors.field"))
                .containsExactlyInAnyOrder("email", "displayName", "plan");
    }

    @Test
    void unknownPlanIs422() {
        assertProblem(given().contentType(ContentType.JSON).body(TestUsers.body(TestUsers.uniqueEmail(), "A", "enterprise"))
                .post("/users").then(), 422);
        long id = TestUsers.create();
        assertProblem(given().contentType(ContentType.JSON).body("{\"plan\":\"PRO\"}").patch("/users/" + id).then(), 422);
    }

    @Test
    void overLongFieldsAre422() {
        String longLocalPart = "a".repeat(UserLimits.EMAIL_MAX) + "@example.com";
        assertProblem(given().contentType(ContentType.JSON).body(TestUsers.body(longLocalPart, "A", "pro"))
                .post("/users").then(), 422);
        assertProblem(given().contentType(ContentType.JSON)
                .body(TestUsers.body(TestUsers.uniqueEmail(), "n".repeat(UserLimits.DISPLAY_NAME_MAX + 1), "pro")).post("/users").then(), 422);
    }

    @Test
    void controlCharactersInTextFieldsAre422NotADatabaseError() {
        for (String text : List.of("nul\\u0000here", "bell\\u0007", "line\\nbreak", "del\\u007f", "c1\\u0085",
                "lone\\ud800\\uabc7surrogate", "low\\udc00only")) {
            var create = given().contentType(ContentType.JSON)
                    .body("{\"email\":\"" + TestUsers.uniqueEmail() + "\",\"displayName\":\"" + text + "\",\"plan\":\"pro\"}")
                    .post("/users").then();
            assertProblem(create, 422);
            assertThat(create.extract().jsonPath().getList("errors.field")).containsExactly("displayName");
        }
        long id = TestUsers.create();
        assertProblem(given().contentType(ContentType.JSON).body("{\"displayName\":\"a\\u0000b\"}").patch("/users/" + id).then(), 422);
        assertProblem(given().contentType(ContentType.JSON).body("{\"email\":\"a\\u0000@example.com\"}").patch("/users/" + id).then(), 422);
        assertProblem(given().contentType(ContentType.JSON).body("{\"displayName\":\"\\ud800\\u3094B\"}").patch("/users/" + id).then(), 422);
    }

    @Test
    void aSurrogatePairIsOneCharacterAndIsStored() {
        String displayName = given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + TestUsers.uniqueEmail() + "\",\"displayName\":\"Ada \\ud83d\\ude00\",\"plan\":\"pro\"}")
                .post("/users").then().statusCode(201).extract().jsonPath().getString("displayName");

        assertThat(displayName).isEqualTo("Ada \ud83d\ude00");
    }

    @Test
    void missingFieldsAndMissingBodyAre422() {
        assertProblem(given().contentType(ContentType.JSON).body("{\"email\":\"b@example.com\"}").post("/users").then(), 422);
        assertProblem(given().contentType(ContentType.JSON).post("/users").then(), 422);
    }

    @Test
    void blankPatchFieldsAre422() {
        long id = TestUsers.create();
        assertProblem(given().contentType(ContentType.JSON).body("{\"displayName\":\"   \"}").patch("/users/" + id).then(), 422);
    }

    @Test
    void unknownRouteAndMethodAreProblems() {
        assertProblem(given().get("/no-such-route").then(), 404);
        assertProblem(given().put("/users/1").then(), 405);
    }
}
