package dev.fanout.support;

import static io.restassured.RestAssured.given;

import java.util.UUID;

import io.restassured.http.ContentType;

/** Creates users through the API, each with an email no other test uses. */
public final class TestUsers {

    private TestUsers() {
    }

    public static String uniqueEmail() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    public static String body(String email, String displayName, String plan) {
        return "{\"email\":\"" + email + "\",\"displayName\":\"" + displayName + "\",\"plan\":\"" + plan + "\"}";
    }

    /** Creates a user and answers its id. */
    public static long create() {
        return create(uniqueEmail(), "Test User", "free");
    }

    public static long create(String email, String displayName, String plan) {
        return given().contentType(ContentType.JSON).body(body(email, displayName, plan))
                .when().post("/users")
                .then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }
}
