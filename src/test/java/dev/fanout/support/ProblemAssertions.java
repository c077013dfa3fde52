package dev.fanout.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.restassured.response.ValidatableResponse;

/** What every error answer must be: problem+json with the four RFC 9457 members, and nothing internal. */
public final class ProblemAssertions {

    /** Words that only an internal detail would put in an answer. */
    public static final List<String> INTERNALS = List.of(
            "Exception", "\tat ", "at dev.", "at io.", "at org.", "org.hibernate", "io.vertx", "io.quarkus",
            "insert into", "select ", "SQLState", "duplicate key", "users_email_key", "postgres", "localhost",
            "127.0.0.1", "jdbc:", "java.");

    private ProblemAssertions() {
    }

    public static void assertProblem(ValidatableResponse response, int status) {
        response.statusCode(status).contentType("application/problem+json");
        var body = response.extract();
        assertThat(body.jsonPath().getString("type")).isNotBlank();
        assertThat(body.jsonPath().getString("title")).isNotBlank();
        assertThat(body.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(body.jsonPath().getString("detail")).isNotBlank();
        assertNoInternals(body.asString());
    }

    public static void assertNoInternals(String body) {
        for (String internal : INTERNALS) {
            assertThat(body).as("answer leaks an internal detail").doesNotContainIgnoringCase(internal);
        }
    }
}
